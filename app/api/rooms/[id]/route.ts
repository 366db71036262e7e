import { z } from "zod";
import { getRoomDetail } from "@/server/chat/rooms";
import { notFound } from "@/server/errors";
import { apiRoute, json } from "@/server/http/route";

export const GET = apiRoute<{ id: string }>(async ({ params, runtime, actor }) => {
  if (!z.string().uuid().safeParse(params.id).success) throw notFound("room");
  return json(await getRoomDetail(runtime, actor, params.id));
});
