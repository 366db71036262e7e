import { cancelInvite } from "@/server/chat/invites";
import { notFound } from "@/server/errors";
import { apiRoute, roomIdParam } from "@/server/http/route";

export const DELETE = apiRoute<{ id: string; inviteId: string }>(async ({ params, runtime, actor }) => {
  if (!/^[0-9a-f-]{36}$/i.test(params.inviteId)) throw notFound("invitation");
  await cancelInvite(runtime, actor, roomIdParam(params.id), params.inviteId);
  return new Response(null, { status: 204 });
});
