"use client";
/**
 * The colour theme: next-themes puts "dark" or "light" on <html> before the first paint (an
 * inline script carrying the page's CSP nonce), and app/theme-dark.css flips the palette.
 *
 * The choice is per user, stored server-side (PATCH /api/me `theme`). Each signed-in user has
 * their own localStorage key, seeded by the server with the stored choice, so a new device paints
 * the user's theme at once; signed-out pages use a key nothing writes, so they follow the system.
 * Keyed by that storage key: signing in or out starts the provider afresh with the right one.
 */
import { ThemeProvider as NextThemes } from "next-themes";
import type { ThemePreference } from "@/protocol/rest";

export const THEME_PREFERENCES: readonly ThemePreference[] = ["light", "dark", "system"];

export function themeStorageKey(userId: string | null): string {
  return userId ? `confab-theme:${userId}` : "confab-theme:signed-out";
}

export function ThemeProvider({ userId, stored, nonce, children }: { userId: string | null; stored: ThemePreference; nonce?: string; children: React.ReactNode }) {
  const storageKey = themeStorageKey(userId);
  return (
    <NextThemes key={storageKey} attribute="class" enableSystem defaultTheme={stored} storageKey={storageKey} themes={["light", "dark"]} nonce={nonce}>
      {children}
    </NextThemes>
  );
}
