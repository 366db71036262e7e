import { unblockUser } from "@/server/chat/direct";
import { notFound } from "@/server/errors";
import { apiRoute } from "@/server/http/route";

export const DELETE = apiRoute<{ user: string }>(async ({ params, runtime, actor }) => {
  if (!/^[0-9a-f-]{36}$/i.test(params.user)) throw notFound("user");
  await unblockUser(runtime, actor, params.user);
  return new Response(null, { status: 204 });
});
