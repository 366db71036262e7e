import { sql } from "drizzle-orm";
import { apiRoute, json } from "@/server/http/route";

/**
 * A load balancer marks the instance down after a slow answer as much as after a failed one,
 * so the probe is bounded well below any query timeout.
 */
const PROBE_TIMEOUT_MS = 1_000;

/** Liveness for load balancers: 200 only when the database answers, 503 quickly when it does not. */
export const GET = apiRoute(
  async ({ runtime }) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
    const answered = runtime.db.execute(sql`select 1`).then(
      () => true,
      () => false,
    );
    const up = await Promise.race([answered, timedOut]);
    clearTimeout(timer);
    if (!up) return json({ ok: false, status: "unavailable", bus: runtime.bus.kind }, 503);
    return json({ ok: true, status: "ok", bus: runtime.bus.kind });
  },
  { public: true },
);
