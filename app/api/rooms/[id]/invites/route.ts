import { CreateInviteBody } from "@/protocol/rest";
import { createInvite, getInvites } from "@/server/chat/invites";
import { apiRoute, json, parseBody, publicOrigin, idParam } from "@/server/http/route";

export const POST = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const body = await parseBody(req, CreateInviteBody);
  return json(await createInvite(runtime, actor, idParam(params.id), body, publicOrigin(req)), 201);
});

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json({ invites: await getInvites(runtime, actor, idParam(params.id)) });
});
