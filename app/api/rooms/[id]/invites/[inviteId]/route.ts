import { cancelInvite } from "@/server/chat/invites";
import { apiRoute, idParam } from "@/server/http/route";

export const DELETE = apiRoute<{ id: string; inviteId: string }>(async ({ params, runtime, actor }) => {
  await cancelInvite(runtime, actor, idParam(params.id), idParam(params.inviteId, "invitation"));
  return new Response(null, { status: 204 });
});
