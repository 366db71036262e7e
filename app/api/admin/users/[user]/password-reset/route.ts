import { createPasswordReset } from "@/server/admin/users";
import { apiRoute, idParam, json, publicOrigin } from "@/server/http/route";

/** A one-time link (valid 1 h) for the admin to hand to the user; shown once. */
export const POST = apiRoute<{ user: string }>(async ({ req, params, runtime, actor }) =>
  json(await createPasswordReset(runtime, actor, { userId: idParam(params.user, "user"), origin: publicOrigin(req) }), 201),
);
