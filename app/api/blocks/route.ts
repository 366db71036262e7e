import { UserRef } from "@/protocol/rest";
import { blockUser, getBlocks } from "@/server/chat/direct";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const GET = apiRoute(async ({ runtime, actor }) => json({ blocks: await getBlocks(runtime, actor) }));

export const POST = apiRoute(async ({ req, runtime, actor }) => {
  const { user } = await parseBody(req, UserRef);
  await blockUser(runtime, actor, user);
  return new Response(null, { status: 204 });
});
