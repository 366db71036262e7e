import { unblockUser } from "@/server/chat/direct";
import { apiRoute, idParam } from "@/server/http/route";

export const DELETE = apiRoute<{ user: string }>(async ({ params, runtime, actor }) => {
  await unblockUser(runtime, actor, idParam(params.user, "user"));
  return new Response(null, { status: 204 });
});
