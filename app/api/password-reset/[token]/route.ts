import { inspectPasswordReset } from "@/server/admin/users";
import { clientIp } from "@/server/http/client-ip";
import { apiRoute, json } from "@/server/http/route";
import { AppError } from "@/server/errors";

/** Whether a reset link still works, and for whom (the page shows the username). */
export const GET = apiRoute<{ token: string }>(
  async ({ req, params, runtime }) => {
    await runtime.limits.consume("auth", clientIp(req));
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(params.token)) throw new AppError("NOT_FOUND", "reset link not found");
    return json(await inspectPasswordReset(runtime, params.token));
  },
  { public: true },
);
