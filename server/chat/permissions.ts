/**
 * The one place that answers "may this user do this in this room". Transports never decide
 * on their own; services call these before touching state.
 */
import type { MembershipRow, RoomRow } from "@/db/queries/rooms";
import type { RoomRole } from "@/protocol";
import { AppError } from "@/server/errors";

type Room = Pick<RoomRow, "visibility" | "settings">;
type Membership = Pick<MembershipRow, "role"> | null;

/** Public rooms are readable by any signed-in user; private and direct rooms by members only. */
export const canRead = (room: Room, membership: Membership) => room.visibility === "public" || membership !== null;

/** Anyone may join a public room; a private room only admits people who are already members (invites add them). */
export const canJoin = (room: Room, membership: Membership) => room.visibility === "public" || membership !== null;

export function canPost(room: Room, membership: Membership): boolean {
  if (!membership) return false;
  if (membership.role === "guest") return room.settings.guests_can_post === true;
  return true;
}

export function assertCanRead(room: Room, membership: Membership): void {
  if (!canRead(room, membership)) throw new AppError("FORBIDDEN", "this room is private");
}

export function assertCanPost(room: Room, membership: Membership): void {
  if (!membership) throw new AppError("FORBIDDEN", "join the room before posting");
  if (!canPost(room, membership)) throw new AppError("FORBIDDEN", "you may not post in this room");
}

const RANK: Record<RoomRole, number> = { owner: 4, admin: 3, moderator: 2, member: 1, guest: 0 };

/** Whether `role` is at least `min` in the room hierarchy. */
export const atLeast = (role: RoomRole, min: RoomRole) => RANK[role] >= RANK[min];

/** Members, guests included, may react to what they can read. */
export const canReact = (membership: Membership) => membership !== null;

/** Only the author edits a message. */
export const canEditMessage = (actorId: string, message: { senderId: string }) => message.senderId === actorId;

/** Authors delete their own messages; moderators and above delete anyone's. */
export const canDeleteMessage = (actorId: string, membership: Membership, message: { senderId: string }) =>
  message.senderId === actorId || (membership !== null && atLeast(membership.role, "moderator"));

/** Typing indicators are on unless an admin turned them off for the room. */
export const typingEnabled = (room: Room) => room.settings.typing_indicators !== false;
