"use client";
import { useSyncExternalStore } from "react";

/**
 * Whether a CSS media query matches, kept current. `serverValue` is what the server render and
 * hydration assume (the desktop layout); the real value follows right after.
 */
export function useMediaQuery(query: string, serverValue: boolean): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    () => window.matchMedia(query).matches,
    () => serverValue,
  );
}
