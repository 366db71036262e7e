"use client";
/**
 * Presence in the UI: everyone's status from the store, the user's own chosen status (kept
 * in localStorage so every tab of theirs follows one choice), and idle detection.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { useStore } from "zustand";
import type { ChosenStatus } from "@/lib/chat-client";
import type { ShownStatus } from "@/components/ui/PresenceDot";
import { type PresenceState, selectPresence, selectStatus } from "@/lib/chat-store";
import { useChat } from "./useChatSocket";

const STATUS_KEY = "confab:status";
/** No keyboard, pointer or focus input for this long makes an "online" user idle. */
export const IDLE_AFTER_MS = 5 * 60_000;
const CHOICES: readonly ChosenStatus[] = ["online", "away", "dnd"];

export function usePresenceMap(): Readonly<Record<string, PresenceState>> {
  return useStore(useChat().store.api, selectPresence);
}

/**
 * How to show a presence entry: while this tab is disconnected nothing about anyone is current
 * (their dots would otherwise stay green), so every status reads "unknown" until it is back.
 */
export function useShownStatus(): (state: PresenceState | undefined) => ShownStatus {
  const live = useStore(useChat().store.api, selectStatus) === "online";
  return useCallback((state) => (live ? (state?.status ?? "offline") : "unknown"), [live]);
}

/** The status this user chose (any tab); "online" when none. */
export function readChoice(): ChosenStatus {
  const value = window.localStorage.getItem(STATUS_KEY);
  return CHOICES.includes(value as ChosenStatus) ? (value as ChosenStatus) : "online";
}

function subscribeChoice(listener: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === STATUS_KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  window.addEventListener("confab:status", listener);
  return () => {
    window.removeEventListener("storage", onStorage);
    window.removeEventListener("confab:status", listener);
  };
}

/** The user's chosen status and a setter shared by all their tabs. */
export function useChosenStatus(): [ChosenStatus, (status: ChosenStatus) => void] {
  const status = useSyncExternalStore(subscribeChoice, readChoice, () => "online" as const);
  const set = (next: ChosenStatus) => {
    window.localStorage.setItem(STATUS_KEY, next);
    window.dispatchEvent(new Event("confab:status"));
  };
  return [status, set];
}

/** Sends the chosen status, and idle/online as input stops and resumes. Mounted once per tab. */
export function usePresenceReporter(): void {
  const { client } = useChat();
  const [chosen] = useChosenStatus();

  useEffect(() => client.setChosenStatus(chosen), [client, chosen]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let idle = false;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        client.setIdle(true);
      }, IDLE_AFTER_MS);
    };
    const onInput = () => {
      if (idle) {
        idle = false;
        client.setIdle(false);
      }
      arm();
    };
    const events = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "focus"] as const;
    for (const name of events) window.addEventListener(name, onInput, { passive: true });
    arm();
    return () => {
      if (timer) clearTimeout(timer);
      for (const name of events) window.removeEventListener(name, onInput);
    };
  }, [client]);
}

/** The current time, re-read every `intervalMs` (for "last seen 5 min ago"). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
