/**
 * Invitation links. A token carries 256 bits of randomness, is shown once and stored only
 * as its SHA-256; invalid, expired, used-up and revoked tokens are indistinguishable (404).
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { consumeInvite, getInviteByHash, insertInvite, listInvites, revokeInvite, type InviteRow } from "@/db/queries/invites";
import { isBanned } from "@/db/queries/moderation";
import { getMembership, getRoomById, insertMember } from "@/db/queries/rooms";
import { getUserById } from "@/db/queries/users";
import type { RoomRole } from "@/protocol";
import type { RoomDetail } from "@/protocol/rest";
import { publishFrame, type Bus } from "@/server/bus";
import { AppError, bannedFromRoom } from "@/server/errors";
import type { ActivityRecorder } from "./activity";
import { recordAudit } from "./moderation";
import { assertMay, mayAttempt, mayInviteAs } from "./permissions";
import { announceRoomAdded, assertRoomHasSpace, getRoomDetail, loadRoom } from "./rooms";
import { postSystemMessage, type SystemDeps } from "./system-messages";

type Deps = { db: Database; bus: Bus; activity: ActivityRecorder };
type Actor = { id: string; username: string };

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const invalidInvite = () => new AppError("NOT_FOUND", "this invitation is invalid or has expired");

const summary = (row: InviteRow) => ({
  id: row.id,
  role: row.role,
  expires_at: row.expiresAt.toISOString(),
  max_uses: row.maxUses,
  uses: row.uses,
  revoked: row.revokedAt !== null,
  created_at: row.createdAt.toISOString(),
});

export async function createInvite(
  { db, activity }: Deps,
  actor: Actor,
  roomId: string,
  input: { expires_in_s: number; max_uses?: number | null; role: Exclude<RoomRole, "owner"> },
  baseUrl: string,
) {
  const { room, standing } = await loadRoom(db, roomId, actor.id);
  assertMay(room.visibility !== "direct" && mayInviteAs(standing, input.role), `you may not invite people as ${input.role}`);
  const token = randomBytes(32).toString("base64url");
  const row = await insertInvite(db, {
    id: randomUUID(),
    roomId,
    tokenHash: hashToken(token),
    createdBy: actor.id,
    role: input.role,
    expiresAt: new Date(Date.now() + input.expires_in_s * 1000),
    maxUses: input.max_uses ?? null,
  });
  await recordAudit({ db, activity }, { roomId, actorId: actor.id, action: "invite_created", details: { invite: row.id, role: row.role, max_uses: row.maxUses } });
  return { ...summary(row), token, url: `${baseUrl}/invite/${token}` };
}

export async function getInvites({ db }: Deps, actor: Actor, roomId: string) {
  const { standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "invite"), "only moderators may see invitations");
  return (await listInvites(db, { roomId })).map(summary);
}

export async function cancelInvite({ db, activity }: Deps, actor: Actor, roomId: string, inviteId: string) {
  const { standing } = await loadRoom(db, roomId, actor.id);
  assertMay(mayAttempt(standing, "invite"), "only moderators may revoke invitations");
  if (!(await revokeInvite(db, { roomId, id: inviteId }))) throw new AppError("NOT_FOUND", "no such active invitation");
  await recordAudit({ db, activity }, { roomId, actorId: actor.id, action: "invite_revoked", details: { invite: inviteId } });
}

/** What an invite page may show before accepting: the room's name, nothing else. */
export async function previewInvite({ db }: Pick<Deps, "db">, token: string) {
  const invite = await getInviteByHash(db, { tokenHash: hashToken(token) });
  const live = invite && !invite.revokedAt && invite.expiresAt > new Date() && (invite.maxUses === null || invite.uses < invite.maxUses);
  if (!live) throw invalidInvite();
  const room = await getRoomById(db, { id: invite.roomId });
  if (!room) throw invalidInvite();
  return { room: { id: room.id, name: room.name, topic: room.topic }, role: invite.role };
}

export async function acceptInvite({ db, bus, activity, ...system }: Deps & SystemDeps, actor: Actor, token: string): Promise<RoomDetail> {
  const invite = await getInviteByHash(db, { tokenHash: hashToken(token) });
  if (!invite) throw invalidInvite();
  const roomId = invite.roomId;
  if (await isBanned(db, { roomId, userId: actor.id })) throw bannedFromRoom();
  if (await getMembership(db, { roomId, userId: actor.id })) return getRoomDetail({ db, bus }, actor, roomId);
  const room = await getRoomById(db, { id: roomId });
  if (!room) throw invalidInvite();
  await assertRoomHasSpace(db, room);
  const added = await db.transaction(async (tx) => {
    if (!(await consumeInvite(tx, { id: invite.id }))) return null;
    return insertMember(tx, { roomId, userId: actor.id, role: invite.role });
  });
  if (added === null) throw invalidInvite();
  if (added) {
    const user = { id: actor.id, username: actor.username };
    const displayName = (await getUserById(db, { id: actor.id }))?.displayName ?? null;
    await publishFrame(bus, roomId, { type: "member", room: roomId, user: { ...user, ...(displayName ? { display_name: displayName } : {}) }, event: "joined" });
    await postSystemMessage({ bus, ...system }, room, user, { event: "joined", target: user });
    await recordAudit({ db, activity }, { roomId, actorId: actor.id, action: "invite_accepted", details: { invite: invite.id, role: invite.role } });
    await announceRoomAdded(bus, actor.id, room);
  }
  return getRoomDetail({ db, bus }, actor, roomId);
}
