import { PasswordResetBody } from "@/protocol/rest";
import { completePasswordReset } from "@/server/admin/users";
import { clientIp } from "@/server/http/client-ip";
import { apiRoute, json, parseBody } from "@/server/http/route";

/** Sets a new password with a one-time link from a site admin; 404 for invalid, expired and used links alike. */
export const POST = apiRoute(
  async ({ req, runtime }) => {
    await runtime.limits.consume("auth", clientIp(req));
    return json(await completePasswordReset(runtime, await parseBody(req, PasswordResetBody)));
  },
  { public: true },
);
