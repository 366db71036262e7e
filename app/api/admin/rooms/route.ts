import { AdminListQuery } from "@/protocol/rest";
import { listRoomsForAdmin } from "@/server/admin/rooms";
import { apiRoute, json, parseQuery } from "@/server/http/route";

export const GET = apiRoute(async ({ req, runtime, actor }) => json(await listRoomsForAdmin(runtime, actor, parseQuery(req, AdminListQuery))));
