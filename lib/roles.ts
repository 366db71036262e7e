/**
 * What the viewer may do in a room, from the same rules the server enforces
 * (protocol/roles.ts), so the UI only offers controls that can succeed.
 */
import type { RoomRole } from "@/protocol";
import { grantableRoles as grantable, isRole, mayAttempt, mayModerate, type Standing } from "@/protocol/roles";

export { isRole };

export interface Viewer {
  role: RoomRole | null;
  siteAdmin: boolean;
}

const asStanding = (viewer: Viewer, id = ""): Standing => ({ id, ...viewer });

export const canModerate = (viewer: Viewer) => mayAttempt(asStanding(viewer), "mute");
export const canAdminister = (viewer: Viewer) => mayAttempt(asStanding(viewer), "settings");
export const canExport = (viewer: Viewer) => mayAttempt(asStanding(viewer), "export");

/** Mute, kick and ban apply only to members below the viewer (never the owner, never oneself). */
export const canActOn = (viewer: Viewer, viewerId: string, target: { id: string; role: RoomRole }) => mayModerate(asStanding(viewer, viewerId), "kick", target);

/** Roles the viewer may hand out (to members or through invitations): below their own. */
export const grantableRoles = (viewer: Viewer) => grantable(asStanding(viewer));
