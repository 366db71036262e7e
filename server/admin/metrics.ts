import type { Database } from "@/db/client";
import type { Series } from "@/protocol/rest";
import type { MetricsHistory } from "@/server/metrics-history";
import { assertSiteAdmin } from "./authorize";

/** The dashboard's series (every instance, and the total) newer than `since`. */
export async function getMetricsSeries({ db, metricsHistory }: { db: Database; metricsHistory: MetricsHistory }, actor: { id: string }, since = 0): Promise<Series> {
  await assertSiteAdmin(db, actor);
  return metricsHistory.series(since);
}
