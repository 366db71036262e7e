import { checkHealth } from "@/server/health";
import { apiRoute, json } from "@/server/http/route";

/** Readiness for load balancers: 200 only when the database, bus and job queue answer, 503 quickly when one does not. */
export const GET = apiRoute(
  async ({ runtime }) => {
    const health = await checkHealth(runtime);
    return json(health, health.ok ? 200 : 503);
  },
  { public: true },
);
