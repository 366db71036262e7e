"use client";
/** Room lists for the sidebar: the user's rooms (shared directory) and a public-room search. */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "@/lib/api";
import { publicRoomsQuery, queryKeys } from "@/lib/queries";
import type { RoomSummary } from "@/protocol/rest";
import { useChat, useConnectionStatus } from "./useChatSocket";

const REFRESH_MS = 30_000;
const SEARCH_DEBOUNCE_MS = 250;
const NO_ROOMS: readonly RoomSummary[] = [];

/** "My rooms", refreshed on mount, periodically, on focus and whenever the socket comes online. */
export function useMyRooms() {
  const { directory } = useChat();
  const query = useQuery({ ...directory.query, refetchInterval: REFRESH_MS, refetchOnWindowFocus: "always" });
  const status = useConnectionStatus();

  // Back online: frames may have been missed while the socket was down.
  useEffect(() => {
    if (status === "online") void directory.refresh();
  }, [directory, status]);

  return {
    rooms: query.data ?? NO_ROOMS,
    loaded: !query.isPending,
    error: query.error ? errorMessage(query.error, "Could not load your rooms.") : null,
    refresh: directory.refresh,
  };
}

/** Public rooms matching `query` (debounced); a new `version` re-fetches the current search. */
export function usePublicRooms(query: string, version = 0) {
  const queryClient = useQueryClient();
  const q = query.trim();
  const [debounced, setDebounced] = useState(q);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(q), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q]);

  // The user's own rooms changed (joined, created, left): which public rooms are joinable did too.
  const seenVersion = useRef(version);
  useEffect(() => {
    if (seenVersion.current === version) return;
    seenVersion.current = version;
    void queryClient.invalidateQueries({ queryKey: queryKeys.publicRoomSearches });
  }, [queryClient, version]);

  const result = useQuery({ ...publicRoomsQuery(debounced), placeholderData: keepPreviousData });
  return {
    rooms: result.data ?? NO_ROOMS,
    error: result.error ? errorMessage(result.error, "Could not search rooms.") : null,
    loading: debounced !== q || result.isPlaceholderData || result.isPending,
  };
}
