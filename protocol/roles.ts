/**
 * The role hierarchy and who may act on whom: pure rules shared by the server (which
 * enforces them, server/chat/permissions.ts) and the browser (which only hides controls the
 * server would refuse). One copy, so the two can never disagree.
 */
import { RoomRole } from "./index";

const RANK: Record<RoomRole, number> = { owner: 4, admin: 3, moderator: 2, member: 1, guest: 0 };
/** A site admin outranks everyone but the owner, whom nobody may act on. */
const SITE_ADMIN_RANK = 3.5;
const OUTSIDER_RANK = -1;

/** Someone's standing in one room: their role there (null: not a member), site-wide rank, ban. */
export interface Standing {
  id: string;
  role: RoomRole | null;
  siteAdmin: boolean;
  banned?: boolean;
}

export type ModerationAction = "mute" | "unmute" | "kick" | "ban" | "unban" | "role";
export type RoomAction = ModerationAction | "settings" | "invite" | "audit" | "export" | "delete_any" | "skip_slow_mode" | "pin" | "mention_room";

/** The least rank that may attempt each action at all. */
const MIN_RANK: Record<RoomAction, number> = {
  settings: RANK.admin,
  audit: RANK.admin,
  export: RANK.admin,
  role: RANK.admin,
  invite: RANK.moderator,
  mute: RANK.moderator,
  unmute: RANK.moderator,
  kick: RANK.moderator,
  ban: RANK.moderator,
  unban: RANK.moderator,
  delete_any: RANK.moderator,
  skip_slow_mode: RANK.moderator,
  pin: RANK.moderator,
  /** `@room` notifies everyone; rooms can also turn it off (settings.room_mentions). */
  mention_room: RANK.moderator,
};

export const isRole = (value: unknown): value is RoomRole => typeof value === "string" && (RoomRole as readonly string[]).includes(value);

export const rankOf = (s: Pick<Standing, "role" | "siteAdmin">) => Math.max(s.role ? RANK[s.role] : OUTSIDER_RANK, s.siteAdmin ? SITE_ADMIN_RANK : OUTSIDER_RANK);

export const mayAttempt = (s: Standing, action: RoomAction) => !s.banned && rankOf(s) >= MIN_RANK[action];

/** Roles `s` may hand out (role changes, invitations): strictly below their own, never owner. */
export const grantableRoles = (s: Standing): Exclude<RoomRole, "owner">[] =>
  (["admin", "moderator", "member", "guest"] as const).filter((r) => RANK[r] < rankOf(s));

/**
 * Whether `s` may apply `action` to `target` (role null: not a member). The target's rank
 * counts the site-admin flag too, so only the owner may act on a site admin. Nobody acts on
 * themselves, a peer or a superior; the owner is never a target. A new role must be below
 * the actor's own.
 */
export function mayModerate(
  s: Standing,
  action: ModerationAction,
  target: { id: string; role: RoomRole | null; siteAdmin?: boolean },
  newRole?: RoomRole,
): boolean {
  if (!mayAttempt(s, action) || target.id === s.id) return false;
  if (target.role === "owner") return false;
  if (rankOf({ role: target.role, siteAdmin: target.siteAdmin === true }) >= rankOf(s)) return false;
  if (action === "role") return newRole !== undefined && (grantableRoles(s) as RoomRole[]).includes(newRole);
  return true;
}

/** Invitations may grant at most a role below the inviter's own. */
export const mayInviteAs = (s: Standing, role: RoomRole) => mayAttempt(s, "invite") && (grantableRoles(s) as RoomRole[]).includes(role);
