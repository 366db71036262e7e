import { and, eq, or, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import type { Executor } from "../client";
import { connectionOf, FixedStatement } from "../pipeline";
import { blocks, users } from "../schema";

export async function insertBlock(db: Executor, { blockerId, blockedId }: { blockerId: string; blockedId: string }) {
  await db.insert(blocks).values({ blockerId, blockedId }).onConflictDoNothing();
}

export async function deleteBlock(db: Executor, { blockerId, blockedId }: { blockerId: string; blockedId: string }) {
  await db.delete(blocks).where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId)));
}

const blockedColumns = { id: users.id, username: users.username, createdAt: blocks.createdAt };
/** Read on a socket's first join: built once (db/pipeline.ts). */
const blockedBy = new FixedStatement<{ id: string; username: string; createdAt: Date }>(
  new QueryBuilder()
    .select(blockedColumns)
    .from(blocks)
    .innerJoin(users, eq(users.id, blocks.blockedId))
    .where(eq(blocks.blockerId, sql.placeholder("blocker")))
    .getSQL(),
  blockedColumns,
);

export async function listBlocked(db: Executor, { blockerId }: { blockerId: string }) {
  return blockedBy.run(connectionOf(db), { blocker: blockerId });
}

/** Whether `blockerId` has blocked `blockedId`. */
export async function hasBlocked(db: Executor, { blockerId, blockedId }: { blockerId: string; blockedId: string }) {
  const [row] = await db.select({ id: blocks.blockerId }).from(blocks).where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId))).limit(1);
  return row !== undefined;
}

/** Whether either of the two users blocked the other. */
export async function blockedEitherWay(db: Executor, { a, b }: { a: string; b: string }) {
  const [row] = await db
    .select({ id: blocks.blockerId })
    .from(blocks)
    .where(or(and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)), and(eq(blocks.blockerId, b), eq(blocks.blockedId, a))))
    .limit(1);
  return row !== undefined;
}
