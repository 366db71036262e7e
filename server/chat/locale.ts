/**
 * The language a page request renders in (i18n/request.ts): the signed-in user's stored choice,
 * else the browser's `Accept-Language`. Read once per request (React `cache`), since the root
 * layout and every server component asking for translations share it.
 */
import { cache } from "react";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { getUserById } from "@/db/queries/users";
import { resolveLocale, type Locale } from "@/i18n/config";
import { authOptions } from "@/server/auth/options";
import { findRuntime } from "@/server/runtime";

export const requestLocale = cache(async (): Promise<Locale> => {
  const [session, h] = await Promise.all([getServerSession(authOptions), headers()]);
  const runtime = findRuntime();
  const userId = session?.user?.id ?? null;
  // No runtime: `next build` collecting page data outside the server.
  const stored = runtime && userId ? ((await getUserById(runtime.db, { id: userId }))?.locale ?? null) : null;
  return resolveLocale(stored, h.get("accept-language"));
});
