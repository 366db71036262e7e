import { RegisterBody } from "@/protocol/rest";
import { registerUser } from "@/server/chat/users";
import { clientIp } from "@/server/http/client-ip";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const POST = apiRoute(
  async ({ req, runtime }) => {
    await runtime.limits.consume("auth", clientIp(req));
    const body = await parseBody(req, RegisterBody);
    const user = await registerUser(runtime.db, { ...body, siteAdmins: runtime.config.SITE_ADMINS });
    return json({ id: user.id, username: user.username }, 201);
  },
  { public: true },
);
