/**
 * The one place that answers "may X do Y (to Z) in room R". Transports never decide on their
 * own; services call these before touching state. The matrix is documented in
 * docs/permissions.md and proven cell by cell in tests/integration/authorization.test.ts.
 */
import type { MembershipRow, RoomRow } from "@/db/queries/rooms";
import type { RoomRole } from "@/protocol";
import { AppError } from "@/server/errors";

type Room = Pick<RoomRow, "visibility" | "settings">;
type Membership = Pick<MembershipRow, "role"> | null;

/** Who is acting: their membership in the room (null for outsiders), and site-wide standing. */
export interface ActorStanding {
  id: string;
  membership: Membership;
  siteAdmin: boolean;
  banned: boolean;
}

const RANK: Record<RoomRole, number> = { owner: 4, admin: 3, moderator: 2, member: 1, guest: 0 };
/** A site admin outranks everyone but the owner, whom nobody may act on. */
const SITE_ADMIN_RANK = 3.5;
const OUTSIDER_RANK = -1;

/** Whether `role` is at least `min` in the room hierarchy. */
export const atLeast = (role: RoomRole, min: RoomRole) => RANK[role] >= RANK[min];

const rankOf = (actor: Pick<ActorStanding, "membership" | "siteAdmin">) =>
  Math.max(actor.membership ? RANK[actor.membership.role] : OUTSIDER_RANK, actor.siteAdmin ? SITE_ADMIN_RANK : OUTSIDER_RANK);

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
  if (banned) throw new AppError("FORBIDDEN", "you are banned from this room");
  if (!canRead(room, membership)) throw new AppError("FORBIDDEN", "this room is private");
}

export function assertCanPost(room: Room, membership: (Membership & { mutedUntil?: Date | null; muteReason?: string | null }) | null): void {
  if (!membership) throw new AppError("FORBIDDEN", "join the room before posting");
  if (!canPost(room, membership)) throw new AppError("FORBIDDEN", "guests may not post in this room");
  if (membership.mutedUntil && membership.mutedUntil.getTime() > Date.now()) {
    const reason = membership.muteReason ? `: ${membership.muteReason}` : "";
    throw new AppError("FORBIDDEN", `you are muted until ${membership.mutedUntil.toISOString()}${reason}`);
  }
}

/** Members, guests included, may react to what they can read. */
export const canReact = (membership: Membership) => membership !== null;

/** Only the author edits a message. */
export const canEditMessage = (actorId: string, message: { senderId: string }) => message.senderId === actorId;

/** Authors delete their own messages; moderators and above delete anyone's. */
export const canDeleteMessage = (actor: ActorStanding, message: { senderId: string }) =>
  message.senderId === actor.id || rankOf(actor) >= RANK.moderator;

/** Typing indicators are on unless an admin turned them off for the room. */
export const typingEnabled = (room: Room) => room.settings.typing_indicators !== false;

export type ModerationAction = "mute" | "unmute" | "kick" | "ban" | "unban" | "role";
export type RoomAction = ModerationAction | "settings" | "invite" | "audit" | "delete_any";

/** The least role that may attempt each action at all. */
const MIN_RANK: Record<RoomAction, number> = {
  settings: RANK.admin,
  audit: RANK.admin,
  role: RANK.admin,
  invite: RANK.moderator,
  mute: RANK.moderator,
  unmute: RANK.moderator,
  kick: RANK.moderator,
  ban: RANK.moderator,
  unban: RANK.moderator,
  delete_any: RANK.moderator,
};

export const mayAttempt = (actor: ActorStanding, action: RoomAction) => !actor.banned && rankOf(actor) >= MIN_RANK[action];

/**
 * Whether `actor` may apply `action` to a user whose role in the room is `targetRole`
 * (null: not a member). Nobody acts on themselves, a peer or a superior; the owner is never
 * a target. A new role must be below the actor's own.
 */
export function mayModerate(actor: ActorStanding, action: ModerationAction, target: { id: string; role: RoomRole | null }, newRole?: RoomRole): boolean {
  if (!mayAttempt(actor, action) || target.id === actor.id) return false;
  if (target.role === "owner") return false;
  const targetRank = target.role ? RANK[target.role] : OUTSIDER_RANK;
  if (targetRank >= rankOf(actor)) return false;
  if (action === "role") return newRole !== undefined && newRole !== "owner" && RANK[newRole] < rankOf(actor);
  return true;
}

/** Invites may grant at most a role below the inviter's own. */
export const mayInviteAs = (actor: ActorStanding, role: RoomRole) => mayAttempt(actor, "invite") && role !== "owner" && RANK[role] < rankOf(actor);

export function assertMay(allowed: boolean, message: string): void {
  if (!allowed) throw new AppError("FORBIDDEN", message);
}
