import { UpdateMeBody } from "@/protocol/rest";
import { getMe, updateDisplayName } from "@/server/chat/profile";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const GET = apiRoute(async ({ runtime, actor }) => json(await getMe(runtime, actor)));

/** `{display_name: string | null}`: 1–64 characters after trimming; null shows the username again. */
export const PATCH = apiRoute(async ({ req, runtime, actor }) => {
  const { display_name } = await parseBody(req, UpdateMeBody);
  return json(await updateDisplayName(runtime, actor, display_name));
});
