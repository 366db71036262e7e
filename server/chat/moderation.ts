/**
 * Moderation of a room's members: mute, unmute, kick, ban, unban, role changes and deleting
 * any message. Every rule comes from permissions.ts; every action is written to the audit
 * log; kicks and bans remove the user's live sockets on every instance through the bus.
 */
import { deleteBan, insertAudit, insertBan, listAudit, listBans, setMute, setRole } from "@/db/queries/moderation";
import { getMembership, removeMember } from "@/db/queries/rooms";
import { getUserById, getUsernames } from "@/db/queries/users";
import type { Database, Executor } from "@/db/client";
import type { SystemMeta } from "@/protocol";
import type { ModerationBody } from "@/protocol/rest";
import type { ArchiveSwitch } from "@/server/archive/switch";
import { publishFrame, publishTyping, roomTopic, type Bus } from "@/server/bus";
import { AppError, notFound } from "@/server/errors";
import type { ActivityRecorder } from "./activity";
import { deleteMessage } from "./messages";
import { assertMay, mayAttempt, mayModerate } from "./permissions";
import { loadRoom } from "./rooms";
import { postSystemMessage, type SystemDeps } from "./system-messages";

type Deps = { db: Database; bus: Bus; archiveSwitch: Pick<ArchiveSwitch, "enabled">; activity: ActivityRecorder };
type Actor = { id: string; username: string };

/** A mute without a duration lasts until someone unmutes. */
const INDEFINITE_MS = 100 * 365 * 86_400_000;

export async function moderate({ db, bus, archiveSwitch, activity, ...system }: Deps & SystemDeps, actor: Actor, roomId: string, body: ModerationBody): Promise<{ ok: true }> {
  const { room, standing } = await loadRoom(db, roomId, actor.id);
  const reason = body.reason ?? null;

  if (body.action === "delete_message") {
    assertMay(mayAttempt(standing, "delete_any"), "you may not delete other people's messages here");
    const audit = (row: { senderId: string; id: string; seq: number }): AuditEntry => ({
      roomId,
      actorId: actor.id,
      action: "delete_message",
      targetId: row.senderId,
      reason,
      details: { message: row.id, seq: row.seq },
    });
    let recorded: AuditEntry | null = null;
    await deleteMessage({ db, bus, archiveSwitch }, actor, { roomId, messageId: body.message }, (tx, row) => insertAudit(tx, (recorded = audit(row))));
    if (recorded) countModeration(activity, recorded);
    return { ok: true };
  }

  const target = await getUserById(db, { id: body.user });
  if (!target) throw notFound("user");
  const membership = await getMembership(db, { roomId, userId: target.id });
  const newRole = body.action === "role" ? body.role : undefined;
  assertMay(mayModerate(standing, body.action, { id: target.id, role: membership?.role ?? null, siteAdmin: target.siteAdmin }, newRole), `you may not ${body.action} this user`);
  const user = { id: target.id, username: target.username };
  const by = { id: actor.id, username: actor.username };
  let line: SystemMeta;
  const needMember = () => {
    if (!membership) throw new AppError("NOT_FOUND", "that user is not a member of this room", { field: "user" });
  };
  const audit = { roomId, actorId: actor.id, action: body.action, targetId: target.id, reason, details: auditDetails(body, membership?.role ?? null) };
  // The audit row commits with the action's own rows: no action without its record, no record of one that failed.
  const withAudit = (write: (tx: Executor) => Promise<unknown>) =>
    db.transaction(async (tx) => {
      await write(tx);
      await insertAudit(tx, audit);
    });

  switch (body.action) {
    case "mute": {
      needMember();
      const until = new Date(Date.now() + (body.duration_s ? body.duration_s * 1000 : INDEFINITE_MS));
      await withAudit((tx) => setMute(tx, { roomId, userId: target.id, until, reason }));
      await publishFrame(bus, roomId, { type: "member", room: roomId, user, event: "muted", until: until.toISOString(), reason });
      line = { event: "muted", actor: by, target: user, until: until.toISOString(), reason };
      break;
    }
    case "unmute":
      needMember();
      await withAudit((tx) => setMute(tx, { roomId, userId: target.id, until: null, reason: null }));
      await publishFrame(bus, roomId, { type: "member", room: roomId, user, event: "unmuted", reason });
      line = { event: "unmuted", actor: by, target: user, reason };
      break;
    case "kick":
      needMember();
      await withAudit((tx) => removeMember(tx, { roomId, userId: target.id }));
      await publishFrame(bus, roomId, { type: "member", room: roomId, user, event: "kicked", reason });
      await bus.publish(roomTopic(roomId), { type: "evict", room: roomId, user: target.id, reason: "kicked" });
      await publishTyping(bus, roomId, user, "stop");
      line = { event: "kicked", actor: by, target: user, reason };
      break;
    case "ban":
      await withAudit(async (tx) => {
        await removeMember(tx, { roomId, userId: target.id });
        await insertBan(tx, { roomId, userId: target.id, bannedBy: actor.id, reason });
      });
      await publishFrame(bus, roomId, { type: "member", room: roomId, user, event: "banned", reason });
      await bus.publish(roomTopic(roomId), { type: "evict", room: roomId, user: target.id, reason: "banned" });
      await publishTyping(bus, roomId, user, "stop");
      line = { event: "banned", actor: by, target: user, reason };
      break;
    case "unban":
      await withAudit(async (tx) => {
        if (!(await deleteBan(tx, { roomId, userId: target.id }))) throw new AppError("NOT_FOUND", "that user is not banned", { field: "user" });
      });
      line = { event: "unbanned", actor: by, target: user, reason };
      break;
    case "role":
      needMember();
      await withAudit((tx) => setRole(tx, { roomId, userId: target.id, role: body.role }));
      await publishFrame(bus, roomId, { type: "member", room: roomId, user, event: "role", role: body.role, reason });
      line = { event: "role", actor: by, target: user, role: body.role, from: membership?.role ?? null, reason };
      break;
  }
  countModeration(activity, audit);
  await postSystemMessage({ bus, ...system }, room, by, line);
  return { ok: true };
}

/** What the audit row says beyond action and target: the role given and the one it replaced, a mute's length. */
function auditDetails(body: ModerationBody, previousRole: string | null): Record<string, unknown> | null {
  if (body.action === "role") return { role: body.role, from: previousRole };
  if (body.action === "mute") return { duration_s: body.duration_s ?? null };
  return null;
}

type AuditEntry = Parameters<typeof insertAudit>[1];

/** Writes an audit entry before the caller answers, and counts it as moderation activity. */
export async function recordAudit({ db, activity }: { db: Executor; activity: ActivityRecorder }, entry: AuditEntry) {
  await insertAudit(db, entry);
  countModeration(activity, entry);
}

/** The site's moderation count: bookkeeping that no request reads back, so it goes with the next batch. */
function countModeration(activity: ActivityRecorder, entry: AuditEntry): void {
  activity.record("moderation", { userId: entry.actorId, roomId: entry.roomId });
}

/** The room's audit log, newest first, with usernames resolved; admins only. */
export async function getAuditLog({ db }: Pick<Deps, "db">, actor: Actor, roomId: string, { before, limit }: { before?: Date; limit: number }) {
  const { standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "audit"), "only room admins may read the audit log");
  const rows = await listAudit(db, { roomId, before, limit });
  const names = await getUsernames(db, { ids: [...new Set(rows.flatMap((r) => [r.actorId, r.targetId].filter((id): id is string => id !== null)))] });
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    actor: r.actorId ? { id: r.actorId, username: names.get(r.actorId) ?? "(deleted)" } : null,
    target: r.targetId ? { id: r.targetId, username: names.get(r.targetId) ?? "(deleted)" } : null,
    reason: r.reason,
    details: r.details,
    at: r.createdAt.toISOString(),
  }));
}

/** Banned users of a room, for moderators. */
export async function getBans({ db }: Pick<Deps, "db">, actor: Actor, roomId: string) {
  const { standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "ban"), "only moderators may see bans");
  return (await listBans(db, { roomId })).map((b) => ({ id: b.id, username: b.username, reason: b.reason, at: b.createdAt.toISOString() }));
}
