"use client";
import { useEffect, useState } from "react";
import type { ShortcodeMap } from "@/lib/emoji/shortcodes";

/** Shared by every composer of the tab: the map is fetched once, from our own origin. */
let loading: Promise<ShortcodeMap | null> | null = null;

function loadShortcodes(): Promise<ShortcodeMap | null> {
  loading ??= fetch("/emojibase/en/shortcodes.json")
    .then((res) => (res.ok ? (res.json() as Promise<ShortcodeMap>) : null))
    .catch(() => null)
    .then((map) => {
      // A failed load may be retried by the next composer that mounts.
      if (!map) loading = null;
      return map;
    });
  return loading;
}

/** The `:shortcode:` → emoji map, or null until it has loaded. */
export function useShortcodes(): ShortcodeMap | null {
  const [map, setMap] = useState<ShortcodeMap | null>(null);
  useEffect(() => {
    let live = true;
    void loadShortcodes().then((loaded) => {
      if (live && loaded) setMap(loaded);
    });
    return () => {
      live = false;
    };
  }, []);
  return map;
}
