import { RegisterBody } from "@/protocol/rest";
import { registerUser } from "@/server/chat/users";
import { apiRoute, json, parseBody } from "@/server/http/route";

export const POST = apiRoute(
  async ({ req, runtime }) => {
    const body = await parseBody(req, RegisterBody);
    const user = await registerUser(runtime.db, body);
    return json({ id: user.id, username: user.username }, 201);
  },
  { public: true },
);
