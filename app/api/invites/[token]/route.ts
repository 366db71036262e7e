import { previewInvite } from "@/server/chat/invites";
import { clientIp } from "@/server/http/client-ip";
import { apiRoute, json } from "@/server/http/route";

/** What the invite page shows a visitor (signed in or not) before accepting. */
export const GET = apiRoute<{ token: string }>(
  async ({ req, params, runtime }) => {
    await runtime.limits.consume("invite", clientIp(req));
    return json(await previewInvite(runtime, params.token));
  },
  { public: true },
);
