import { acceptInvite } from "@/server/chat/invites";
import { clientIp } from "@/server/http/client-ip";
import { apiRoute, json } from "@/server/http/route";

export const POST = apiRoute<{ token: string }>(async ({ req, params, runtime, actor }) => {
  await runtime.limits.consume("invite", clientIp(req));
  return json({ room: await acceptInvite(runtime, actor, params.token) });
});
