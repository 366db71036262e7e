/**
 * The theme the root layout seeds the page with (components/theme/ThemeProvider.tsx): the signed-in
 * user's stored choice, so a device that never saw it paints it before any script runs.
 */
import { getUserById } from "@/db/queries/users";
import type { ThemePreference } from "@/protocol/rest";
import type { Runtime } from "@/server/runtime";

export async function storedTheme(runtime: Pick<Runtime, "db"> | undefined, userId: string | null): Promise<ThemePreference> {
  // No runtime: `next build` collecting page data outside the server; no user: signed-out pages follow the system.
  if (!runtime || !userId) return "system";
  return (await getUserById(runtime.db, { id: userId }))?.theme ?? "system";
}
