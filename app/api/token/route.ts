import { TokenBody } from "@/protocol/rest";
import { issueApiToken } from "@/server/auth/tokens";
import { verifyCredentials } from "@/server/chat/users";
import { AppError } from "@/server/errors";
import { clientIp } from "@/server/http/client-ip";
import { apiRoute, json, parseBody } from "@/server/http/route";

/** API tokens for bots and scripts: the same credential as a browser session, as a Bearer token. */
export const POST = apiRoute(
  async ({ req, runtime }) => {
    await runtime.limits.consume("auth", clientIp(req));
    const body = await parseBody(req, TokenBody);
    const user = await verifyCredentials(runtime.db, body);
    if (!user) throw new AppError("UNAUTHENTICATED", "wrong username or password");
    const { token, expiresAt } = await issueApiToken(user);
    return json({ token, expires_at: expiresAt.toISOString(), user });
  },
  { public: true },
);
