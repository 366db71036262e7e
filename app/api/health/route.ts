import { sql } from "drizzle-orm";
import { apiRoute, json } from "@/server/http/route";

/** Liveness for load balancers: answers 200 only when the database answers. */
export const GET = apiRoute(
  async ({ runtime }) => {
    await runtime.db.execute(sql`select 1`);
    return json({ ok: true, bus: runtime.bus.kind });
  },
  { public: true },
);
