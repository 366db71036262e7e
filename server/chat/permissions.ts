/**
 * The one place that answers "may this user do this in this room". Transports never decide
 * on their own; services call these before touching state.
 */
import type { MembershipRow, RoomRow } from "@/db/queries/rooms";
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
