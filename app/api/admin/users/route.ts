import { AdminListQuery } from "@/protocol/rest";
import { listUsers } from "@/server/admin/users";
import { apiRoute, json, parseQuery } from "@/server/http/route";

export const GET = apiRoute(async ({ req, runtime, actor }) => json(await listUsers(runtime, actor, parseQuery(req, AdminListQuery))));
