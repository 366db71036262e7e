import { sql } from "drizzle-orm";
import type { Runtime } from "./runtime";

/**
 * A load balancer marks the instance down after a slow answer as much as after a failed one,
 * so each probe is bounded well below any query timeout.
 */
const PROBE_TIMEOUT_MS = 1_000;

export interface Health {
  ok: boolean;
  status: "ok" | "unavailable";
  bus: Runtime["bus"]["kind"];
  jobs: Runtime["jobs"]["kind"];
  role: Runtime["config"]["CONFAB_ROLE"];
  checks: { database: boolean; bus: boolean; jobs: boolean };
}

async function probe(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
  const answered = check().then(
    (result) => result !== false,
    () => false,
  );
  const up = await Promise.race([answered, timedOut]);
  clearTimeout(timer);
  return up;
}

/** Readiness: the database, the bus and the job queue all answer (probed in parallel). */
export async function checkHealth({ db, bus, jobs, config }: Pick<Runtime, "db" | "bus" | "jobs" | "config">): Promise<Health> {
  const [database, busUp, jobsUp] = await Promise.all([probe(() => db.execute(sql`select 1`)), probe(() => bus.ping()), probe(() => jobs.ping())]);
  const ok = database && busUp && jobsUp;
  return {
    ok,
    status: ok ? "ok" : "unavailable",
    bus: bus.kind,
    jobs: jobs.kind,
    role: config.CONFAB_ROLE,
    checks: { database, bus: busUp, jobs: jobsUp },
  };
}
