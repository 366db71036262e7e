import { PinBody } from "@/protocol/rest";
import { getPins, pinMessage } from "@/server/chat/pins";
import { apiRoute, idParam, json, parseBody } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  return json({ pins: await getPins(runtime, actor, idParam(params.id)) });
});

export const POST = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const roomId = idParam(params.id);
  const { message } = await parseBody(req, PinBody);
  return json(await pinMessage(runtime, actor, roomId, message), 201);
});
