import { HistoryQuery, SendMessageBody } from "@/protocol/rest";
import { getHistory, storeMessage } from "@/server/chat/messages";
import { apiRoute, json, idParam, parseBody, parseQuery } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const page = parseQuery(req, HistoryQuery);
  return json({ messages: await getHistory(runtime, actor, idParam(params.id), page) });
});

/**
 * Sends a message over REST, for clients that read the room as server-sent events: the same
 * service as the socket's `send` (group commit, rate limits, mute, ban, slow mode), idempotent
 * on the body's `id`: 201 when stored now, 200 with the same message when it already was.
 */
export const POST = apiRoute<{ id: string }>(async ({ req, params, runtime, actor }) => {
  const roomId = idParam(params.id);
  const body = await parseBody(req, SendMessageBody);
  const { message, created } = await storeMessage(runtime, actor, {
    clientId: body.id,
    roomId,
    content: body.content,
    kind: body.kind,
    to: body.to,
    replyTo: body.reply_to,
    meta: body.meta,
  });
  return json(message, created ? 201 : 200);
});
