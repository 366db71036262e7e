"use client";
/**
 * The admin panel's changes as mutations. Each one, once the server accepts it, invalidates the
 * room's queries (detail, bans, invitations, audit log), so every list on screen re-reads what
 * the change affected.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { queryKeys } from "@/lib/queries";
import type { ModerationBody } from "@/protocol/rest";

function useRoomMutation<TVariables, TResult>(roomId: string, mutationFn: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.room(roomId) }) });
}

/** Kick, ban, unban, mute, unmute, role changes. */
export const useModerate = (roomId: string) => useRoomMutation(roomId, (body: ModerationBody) => api.moderate(roomId, body));

export const useUpdateRoom = (roomId: string) => useRoomMutation(roomId, (body: Record<string, unknown>) => api.updateRoom(roomId, body));

export const useCreateInvite = (roomId: string) =>
  useRoomMutation(roomId, (body: { expires_in_s: number; max_uses?: number | null; role: string }) => api.createInvite(roomId, body));

export const useRevokeInvite = (roomId: string) => useRoomMutation(roomId, (invite: string) => api.revokeInvite(roomId, invite));
