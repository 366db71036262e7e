import { UserStatusBody } from "@/protocol/rest";
import { setDisabled } from "@/server/chat/users";
import { apiRoute, idParam, json, parseBody } from "@/server/http/route";

export const PATCH = apiRoute<{ user: string }>(async ({ req, params, runtime, actor }) => {
  const { disabled } = await parseBody(req, UserStatusBody);
  return json(await setDisabled(runtime, actor, { userId: idParam(params.user, "user"), disabled }));
});
