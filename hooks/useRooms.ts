"use client";
/** Room lists for the sidebar: the user's rooms (shared directory) and a public-room search. */
import { useEffect, useState, useSyncExternalStore } from "react";
import { api, ApiError, sentence } from "@/lib/api";
import type { RoomSummary } from "@/protocol/rest";
import { useChat, useConnectionStatus } from "./useChatSocket";

const REFRESH_MS = 30_000;

/** "My rooms", refreshed on mount, periodically, on focus and whenever the socket comes online. */
export function useMyRooms() {
  const { directory } = useChat();
  const state = useSyncExternalStore(directory.subscribe, directory.getState, directory.getState);
  const status = useConnectionStatus();

  useEffect(() => {
    if (status === "online") void directory.refresh();
  }, [directory, status]);

  useEffect(() => {
    void directory.refresh();
    const timer = setInterval(() => void directory.refresh(), REFRESH_MS);
    const onFocus = () => void directory.refresh();
    window.addEventListener("focus", onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [directory]);

  return { ...state, refresh: directory.refresh };
}

/** Public rooms matching `query` (debounced); `version` forces a re-fetch. */
export function usePublicRooms(query: string, version = 0) {
  const [result, setResult] = useState<{ key: string; rooms: RoomSummary[]; error: string | null } | null>(null);
  const q = query.trim();
  const key = `${q}\u0000${version}`;

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .listRooms({ scope: "public", q: q || undefined }, controller.signal)
        .then(({ rooms }) => setResult({ key, rooms, error: null }))
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          setResult({ key, rooms: [], error: err instanceof ApiError ? sentence(err.message) : "Could not search rooms." });
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, key]);

  return { rooms: result?.rooms ?? [], error: result?.error ?? null, loading: result?.key !== key };
}
