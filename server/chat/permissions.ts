/**
 * The one place that answers "may X do Y (to Z) in room R". Transports never decide on their
 * own; services call these before touching state. The matrix is documented in
 * docs/permissions.md and proven cell by cell in tests/security/authorization.test.ts.
 */
import type { MembershipRow, RoomRow } from "@/db/queries/rooms";
import { mayAttempt, type Standing } from "@/protocol/roles";
import { AppError, bannedFromRoom } from "@/server/errors";

export { grantableRoles, mayAttempt, mayInviteAs, mayModerate, type ModerationAction, type RoomAction, type Standing } from "@/protocol/roles";

type Room = Pick<RoomRow, "visibility" | "settings">;
type Membership = Pick<MembershipRow, "role"> | null;

/** Public rooms are readable by any signed-in user who is not banned; others by members. */
export const canRead = (room: Room, membership: Membership, banned = false) => !banned && (room.visibility === "public" || membership !== null);

/** Anyone not banned may join a public room; a private room admits members (invites add them). */
export const canJoin = (room: Room, membership: Membership, banned = false) => !banned && (room.visibility === "public" || membership !== null);

export function canPost(room: Room, membership: Membership): boolean {
  if (!membership) return false;
  if (membership.role === "guest") return room.settings.guests_can_post === true;
  return true;
}

export function assertCanRead(room: Room, membership: Membership, banned = false): void {
  if (banned) throw bannedFromRoom();
  if (!canRead(room, membership)) throw new AppError("FORBIDDEN", "this room is private");
}

type MuteState = { mutedUntil?: Date | null; muteReason?: string | null } | null;

/** A mute is in force until its end time; an expired mute needs no clean-up to lapse. */
export const isMuted = (membership: MuteState) => Boolean(membership?.mutedUntil && membership.mutedUntil.getTime() > Date.now());

/**
 * Muted members may not add anything others would see: post, edit, react or show typing.
 * They still read, send read/delivered receipts, delete their own messages and leave.
 */
export function assertNotMuted(membership: MuteState): void {
  if (!isMuted(membership)) return;
  const reason = membership?.muteReason ? `: ${membership.muteReason}` : "";
  throw new AppError("FORBIDDEN", `you are muted until ${membership!.mutedUntil!.toISOString()}${reason}`);
}

/** Whether a site admin archived the room (read-only: nothing may be added or changed). */
export const isArchived = (room: Room) => typeof room.settings.archived_at === "string";

export function assertNotArchived(room: Room): void {
  if (isArchived(room)) throw new AppError("ARCHIVED", "this room is archived and read-only");
}

export function assertCanPost(room: Room, membership: (Membership & MuteState) | null): void {
  assertNotArchived(room);
  if (!membership) throw new AppError("FORBIDDEN", "join the room before posting");
  if (!canPost(room, membership)) throw new AppError("FORBIDDEN", "guests may not post in this room");
  assertNotMuted(membership);
}

/** Members, guests included, may react to what they can read. */
export const canReact = (membership: Membership) => membership !== null;

/** Only the author edits a message. */
export const canEditMessage = (actorId: string, message: { senderId: string }) => message.senderId === actorId;

/** Authors delete their own messages; moderators and above delete anyone's. */
export const canDeleteMessage = (actor: Standing, message: { senderId: string }) => message.senderId === actor.id || mayAttempt(actor, "delete_any");

/** Typing indicators are on unless an admin turned them off for the room. */
export const typingEnabled = (room: Room) => room.settings.typing_indicators !== false;

export function assertMay(allowed: boolean, message: string): void {
  if (!allowed) throw new AppError("FORBIDDEN", message);
}
