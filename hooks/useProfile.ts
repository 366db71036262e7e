"use client";
/** The signed-in user's profile (GET /api/me), fetched once per tab and shared. */
import { useEffect, useSyncExternalStore } from "react";
import { api, type Profile } from "@/lib/api";
import type { BlockList, BlocksState } from "@/lib/blocks";
import { useChat } from "./useChatSocket";

let profile: Profile | null = null;
let request: Promise<void> | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function useProfile(): Profile | null {
  const current = useSyncExternalStore(subscribe, () => profile, () => null);
  useEffect(() => {
    request ??= api
      .me()
      .then((me) => {
        profile = me;
        for (const listener of listeners) listener();
      })
      .catch(() => {
        request = null;
      });
  }, []);
  return current;
}

/** Replaces the shared profile after the user changed it (the profile form). */
export function setProfile(next: Profile): void {
  profile = next;
  for (const listener of listeners) listener();
}

/** The blocked users, loaded on first use. */
export function useBlocks(): BlocksState & { list: BlockList } {
  const { blocks } = useChat();
  const state = useSyncExternalStore(blocks.subscribe, blocks.getState, blocks.getState);
  useEffect(() => {
    if (!blocks.getState().loaded) void blocks.load();
  }, [blocks]);
  return { ...state, list: blocks };
}
