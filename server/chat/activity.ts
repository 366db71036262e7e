import type { Database } from "@/db/client";
import { activityPerDay } from "@/db/queries/activity";
import { getUserById } from "@/db/queries/users";
import { AppError } from "@/server/errors";

/** Site-wide activity counts per day (connects, joins, messages, moderation); site admins only. */
export async function getActivity({ db }: { db: Database }, actor: { id: string }, { days }: { days: number }) {
  const user = await getUserById(db, { id: actor.id });
  if (!user?.siteAdmin) throw new AppError("FORBIDDEN", "site administrators only");
  const rows = await activityPerDay(db, { since: new Date(Date.now() - days * 86_400_000) });
  return rows.map((r) => ({ day: r.day, kind: r.kind, count: r.count, users: r.users }));
}
