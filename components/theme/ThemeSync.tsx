"use client";
/**
 * Applies the signed-in user's stored theme once GET /api/me answers: a choice made on another
 * device since this one last loaded wins over this device's copy in localStorage.
 */
import { useTheme } from "next-themes";
import { useEffect } from "react";
import { useProfile } from "@/hooks/useProfile";

export function ThemeSync() {
  const stored = useProfile()?.theme;
  const { theme, setTheme } = useTheme();
  useEffect(() => {
    if (stored && stored !== theme) setTheme(stored);
    // Only a newly loaded profile should override; the picker changes both together.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stored]);
  return null;
}
