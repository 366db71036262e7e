/**
 * What the viewer may do in a room, mirroring server/chat/permissions.ts so the UI only offers
 * controls that can succeed. The server decides; this only hides what it would refuse.
 */
import { RoomRole } from "@/protocol";

const RANK: Record<RoomRole, number> = { owner: 4, admin: 3, moderator: 2, member: 1, guest: 0 };
/** A site admin outranks everyone but the owner (as on the server). */
const SITE_ADMIN_RANK = 3.5;

export const isRole = (value: unknown): value is RoomRole => typeof value === "string" && (RoomRole as readonly string[]).includes(value);

export interface Viewer {
  role: RoomRole | null;
  siteAdmin: boolean;
}

export const rankOf = ({ role, siteAdmin }: Viewer) => Math.max(role ? RANK[role] : -1, siteAdmin ? SITE_ADMIN_RANK : -1);

export const canModerate = (viewer: Viewer) => rankOf(viewer) >= RANK.moderator;
export const canAdminister = (viewer: Viewer) => rankOf(viewer) >= RANK.admin;

/** Mute, kick, ban and role changes apply only to members below the viewer (never the owner, never oneself). */
export function canActOn(viewer: Viewer, viewerId: string, target: { id: string; role: RoomRole }): boolean {
  return target.id !== viewerId && target.role !== "owner" && RANK[target.role] < rankOf(viewer);
}

/** Roles the viewer may hand out (to members or through invitations): below their own. */
export function grantableRoles(viewer: Viewer): Exclude<RoomRole, "owner">[] {
  return (["admin", "moderator", "member", "guest"] as const).filter((r) => RANK[r] < rankOf(viewer));
}

export const roleRank = (role: RoomRole) => RANK[role];
