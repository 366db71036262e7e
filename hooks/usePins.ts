"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { useChat } from "@/hooks/useChatSocket";
import { api } from "@/lib/api";
import { queryKeys } from "@/lib/queries";

/**
 * A room's pinned messages (GET /api/rooms/:id/pins), kept live: a `pinned` frame, or an edit or
 * delete of a pinned message, refetches the list. `enabled`: only for readers of the room.
 */
export function usePins(roomId: string, enabled: boolean) {
  const { client } = useChat();
  const queryClient = useQueryClient();
  const key = queryKeys.pins(roomId);
  const pins = useQuery({ queryKey: key, queryFn: () => api.pins(roomId), enabled });
  const ids = useMemo(() => new Set((pins.data?.pins ?? []).map((p) => p.message.id)), [pins.data]);

  useEffect(
    () =>
      client.subscribe((frame) => {
        if (!("room" in frame) || frame.room !== roomId) return;
        const touchesPin = (frame.type === "message_deleted" || frame.type === "message_updated") && ids.has(frame.message.id);
        if (frame.type === "pinned" || touchesPin) void queryClient.invalidateQueries({ queryKey: queryKeys.pins(roomId) });
      }),
    [client, queryClient, roomId, ids],
  );

  const toggle = useMutation({
    mutationFn: ({ message, pinned }: { message: string; pinned: boolean }) => (pinned ? api.unpin(roomId, message) : api.pin(roomId, message)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.pins(roomId) }),
  });

  return { pins: pins.data?.pins ?? [], ids, error: pins.error ?? toggle.error, toggle: (message: string, pinned: boolean) => toggle.mutate({ message, pinned }) };
}
