import { UpdateMeBody } from "@/protocol/rest";
import { getMe, updateDisplayName, updateLocale, updateTheme } from "@/server/chat/profile";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const GET = apiRoute(async ({ runtime, actor }) => json(await getMe(runtime, actor)));

/**
 * `{display_name?: string | null, theme?: "system" | "light" | "dark", locale?: "en" | "de" | null}`,
 * at least one (locale null: follow the browser's languages).
 * display_name: 1–64 characters after trimming; null shows the username again.
 */
export const PATCH = apiRoute(async ({ req, runtime, actor }) => {
  const { display_name, theme, locale } = await parseBody(req, UpdateMeBody);
  let me = theme !== undefined ? await updateTheme(runtime, actor, theme) : null;
  if (locale !== undefined) me = await updateLocale(runtime, actor, locale);
  if (display_name !== undefined) me = await updateDisplayName(runtime, actor, display_name);
  return json(me ?? (await getMe(runtime, actor)));
});
