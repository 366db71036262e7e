"use client";
import { useCallback, useMemo, useState } from "react";
import { browserStorage, drafts } from "@/lib/drafts";

/**
 * The composer's text for one room, persisted as a draft of that user (see lib/drafts.ts).
 * Switching rooms (or learning who the user is) loads that room's draft.
 */
export function useDraft(user: string | undefined, room: string | undefined): [string, (text: string) => void] {
  const store = useMemo(() => (user ? drafts(browserStorage(), user) : null), [user]);
  const key = `${user ?? ""}:${room ?? ""}`;
  const [state, setState] = useState(() => ({ key, text: store && room ? store.load(room) : "" }));
  let current = state;
  if (state.key !== key) {
    current = { key, text: store && room ? store.load(room) : "" };
    setState(current);
  }
  const setText = useCallback(
    (text: string) => {
      setState({ key, text });
      if (store && room) store.save(room, text);
    },
    [key, store, room],
  );
  return [current.text, setText];
}
