/**
 * REST data in the browser: one TanStack Query client per tab, and every query key and query
 * in one place, so a mutation invalidates exactly the data it changed. Keys are hierarchical:
 * invalidating `queryKeys.room(id)` refreshes the room's detail and every list under it
 * (bans, invitations, audit log).
 */
import { keepPreviousData, QueryClient, queryOptions } from "@tanstack/react-query";
import { api, ApiError } from "./api";

export const queryKeys = {
  /** The signed-in user's profile (GET /api/me). */
  me: ["me"] as const,
  /** "My rooms" with unread counts; written live by RoomDirectory. */
  myRooms: ["rooms", "mine"] as const,
  publicRoomSearches: ["rooms", "public"] as const,
  publicRooms: (q: string) => ["rooms", "public", q] as const,
  room: (id: string) => ["room", id] as const,
  bans: (id: string) => ["room", id, "bans"] as const,
  invites: (id: string) => ["room", id, "invites"] as const,
  audit: (id: string) => ["room", id, "audit"] as const,
  exports: (id: string) => ["room", id, "exports"] as const,
  pins: (id: string) => ["room", id, "pins"] as const,
  search: (q: string) => ["search", q] as const,
  export: (id: string, exportId: string) => ["room", id, "exports", exportId] as const,
  blocks: ["blocks"] as const,
  invite: (token: string) => ["invite", token] as const,
  /** Everything on the site admin page: one action there invalidates it all. */
  admin: ["admin"] as const,
  activity: (days: number) => ["admin", "activity", days] as const,
  adminUsers: (q: string, page: number) => ["admin", "users", q, page] as const,
  adminRooms: (q: string, page: number) => ["admin", "rooms", q, page] as const,
  siteAudit: ["admin", "audit"] as const,
  archive: ["admin", "archive"] as const,
};

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A refused request (4xx) will be refused again; views show the server's reason at
        // once. Other failures get one more try, as a flaky network deserves.
        retry: (failures, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && failures < 1,
        // Live frames keep room data current; the room list opts back in (useMyRooms).
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** The profile changes only by sign-in, which reloads the page. */
export const profileQuery = queryOptions({ queryKey: queryKeys.me, queryFn: () => api.me(), staleTime: Infinity });

/**
 * A room's detail (the viewer's role, members, their mute) is read afresh whenever a view opens
 * it: a role cached from before a kick would have the view re-join. Views sharing it while open
 * (room, admin panel) share one fetch and one invalidation.
 */
export const roomQuery = (id: string) => queryOptions({ queryKey: queryKeys.room(id), queryFn: ({ signal }) => api.getRoom(id, signal), gcTime: 0 });

export const publicRoomsQuery = (q: string) =>
  queryOptions({ queryKey: queryKeys.publicRooms(q), queryFn: ({ signal }) => api.listRooms({ scope: "public", q: q || undefined }, signal).then((r) => r.rooms) });

export const bansQuery = (id: string) => queryOptions({ queryKey: queryKeys.bans(id), queryFn: () => api.bans(id).then((r) => r.bans) });

export const invitesQuery = (id: string) => queryOptions({ queryKey: queryKeys.invites(id), queryFn: () => api.listInvites(id).then((r) => r.invites) });

export const auditQuery = (id: string) => queryOptions({ queryKey: queryKeys.audit(id), queryFn: () => api.audit(id).then((r) => r.entries) });

/** The room's exports, newest first. */
export const exportsQuery = (id: string) => queryOptions({ queryKey: queryKeys.exports(id), queryFn: () => api.listExports(id).then((r) => r.exports) });

export const exportQuery = (id: string, exportId: string) =>
  queryOptions({ queryKey: queryKeys.export(id, exportId), queryFn: ({ signal }) => api.getExport(id, exportId, signal).then((r) => r.export) });

/** Blocking changes only through this tab's mutations (which update the cache), so it never goes stale. */
export const blocksQuery = queryOptions({ queryKey: queryKeys.blocks, queryFn: () => api.blocks().then((r) => r.blocks), staleTime: Infinity });

export const inviteQuery = (token: string) => queryOptions({ queryKey: queryKeys.invite(token), queryFn: () => api.previewInvite(token) });

export const activityQuery = (days: number) => queryOptions({ queryKey: queryKeys.activity(days), queryFn: () => api.activity(days).then((r) => r.days) });

export const adminUsersQuery = (q: string, page: number) =>
  queryOptions({ queryKey: queryKeys.adminUsers(q, page), queryFn: () => api.adminUsers({ q: q || undefined, page }), placeholderData: keepPreviousData });

export const adminRoomsQuery = (q: string, page: number) =>
  queryOptions({ queryKey: queryKeys.adminRooms(q, page), queryFn: () => api.adminRooms({ q: q || undefined, page }), placeholderData: keepPreviousData });

export const archiveQuery = queryOptions({ queryKey: queryKeys.archive, queryFn: () => api.archiveStatus() });

export const siteAuditQuery = queryOptions({ queryKey: queryKeys.siteAudit, queryFn: () => api.siteAudit().then((r) => r.entries) });
