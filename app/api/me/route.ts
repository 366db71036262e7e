import { getUserById } from "@/db/queries/users";
import { notFound } from "@/server/errors";
import { apiRoute, json } from "@/server/http/route";

export const GET = apiRoute(async ({ runtime, actor }) => {
  const user = await getUserById(runtime.db, { id: actor.id });
  if (!user) throw notFound("user");
  return json({ id: user.id, username: user.username, site_admin: user.siteAdmin, created_at: user.createdAt.toISOString() });
});
