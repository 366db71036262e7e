/**
 * Browser-side REST client for the contract in DESIGN.md. Every failure becomes an ApiError
 * carrying the server's `{error: {code, message, field?, reason?}}`, so forms can show the server's own words.
 */
import type { Message } from "@/protocol";
import type { AdminRoom, AdminUser, ArchiveStatus, ModerationBody, NotificationLevel, Pin, RoomDetail, RoomExport, RoomSummary, SearchResult, Series as MetricsSeries, SiteAuditEntry } from "@/protocol/rest";
import type { Locale } from "@/i18n/config";

export type Invite = { id: string; role: string; expires_at: string; max_uses: number | null; uses: number; revoked: boolean; created_at: string };
export type AuditEntry = {
  id: string;
  action: string;
  actor: { id: string; username: string } | null;
  target: { id: string; username: string } | null;
  reason: string | null;
  details: Record<string, unknown> | null;
  at: string;
};
export type Ban = { id: string; username: string; reason: string | null; at: string };
export type Profile = {
  id: string;
  username: string;
  display_name: string | null;
  site_admin: boolean;
  created_at: string;
  /** The colour theme picked in Settings, followed on every device. */
  theme: "system" | "light" | "dark";
  /** The interface language picked in Settings; null follows the browser's languages. */
  locale: Locale | null;
  /** Whether the AI assistant is on, its name and user id (docs/ai.md). */
  assistant?: { enabled: false } | { enabled: true; name: string; user: string };
};
export type ActivityRow = { day: string; kind: string; count: number; users: number };
export type { AdminRoom, AdminUser, ArchiveStatus, Point as MetricsPoint, Series as MetricsSeries, SiteAuditEntry } from "@/protocol/rest";
const enc = encodeURIComponent;
const adminQuery = ({ q, page }: { q?: string; page: number }) => new URLSearchParams({ page: String(page), ...(q ? { q } : {}) }).toString();

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Why, where the server says (e.g. "banned" on FORBIDDEN): protocol `ErrorReason`. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Performs a same-origin JSON request; the session cookie authenticates it. */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body !== undefined ? { "content-type": "application/json" } : undefined,
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
      signal: init.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "UNAVAILABLE", "Network error: check your connection and try again.");
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A proxy error page or similar: reported below by status.
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; field?: string; reason?: string } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? "INTERNAL", error?.message ?? `Request failed (${res.status})`, error?.field, error?.reason);
  }
  return data as T;
}

/** Upper-cases the first letter of a server message ("name: is required" reads as a sentence). */
export const sentence = (message: string) => (message ? message[0]!.toUpperCase() + message.slice(1) : message);

export const api = {
  register: (body: { username: string; password: string }) => apiFetch<{ id: string; username: string }>("/api/register", { method: "POST", body }),
  listRooms: (query: { scope: "mine" | "public"; q?: string }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ scope: query.scope });
    if (query.q) params.set("q", query.q);
    return apiFetch<{ rooms: RoomSummary[] }>(`/api/rooms?${params}`, { signal });
  },
  createRoom: (body: { name: string; visibility: "public" | "private"; topic?: string }) => apiFetch<RoomDetail>("/api/rooms", { method: "POST", body }),
  getRoom: (id: string, signal?: AbortSignal) => apiFetch<RoomDetail>(`/api/rooms/${encodeURIComponent(id)}`, { signal }),
  /** A page of history, ascending by seq. */
  listMessages: (id: string, page: { before?: number; after?: number; limit?: number }) => {
    const params = new URLSearchParams();
    if (page.before !== undefined) params.set("before", String(page.before));
    if (page.after !== undefined) params.set("after", String(page.after));
    params.set("limit", String(page.limit ?? 50));
    return apiFetch<{ messages: Message[] }>(`/api/rooms/${encodeURIComponent(id)}/messages?${params}`);
  },
  /** One message by id (404 when it does not exist or is not visible to the viewer). */
  getMessage: (id: string, messageId: string) => apiFetch<{ message: Message }>(`/api/rooms/${encodeURIComponent(id)}/messages/${encodeURIComponent(messageId)}`),
  me: () => apiFetch<Profile>("/api/me"),
  updateMe: (body: { display_name?: string | null; theme?: "system" | "light" | "dark"; locale?: Locale | null }) => apiFetch<Profile>("/api/me", { method: "PATCH", body }),
  updateRoom: (id: string, body: Record<string, unknown>) => apiFetch<RoomDetail>(`/api/rooms/${enc(id)}`, { method: "PATCH", body }),
  setNotifications: (id: string, level: NotificationLevel) =>
    apiFetch<{ room: string; level: NotificationLevel }>(`/api/rooms/${enc(id)}/notifications`, { method: "PATCH", body: { level } }),
  moderate: (id: string, body: ModerationBody) => apiFetch<{ ok: true }>(`/api/rooms/${enc(id)}/moderation`, { method: "POST", body }),
  listInvites: (id: string) => apiFetch<{ invites: Invite[] }>(`/api/rooms/${enc(id)}/invites`),
  createInvite: (id: string, body: { expires_in_s: number; max_uses?: number | null; role: string }) =>
    apiFetch<Invite & { token: string; url: string }>(`/api/rooms/${enc(id)}/invites`, { method: "POST", body }),
  revokeInvite: (id: string, invite: string) => apiFetch<null>(`/api/rooms/${enc(id)}/invites/${enc(invite)}`, { method: "DELETE" }),
  previewInvite: (token: string) => apiFetch<{ room: { id: string; name: string; topic: string }; role: string }>(`/api/invites/${enc(token)}`),
  acceptInvite: (token: string) => apiFetch<{ room: RoomDetail }>(`/api/invites/${enc(token)}/accept`, { method: "POST" }),
  audit: (id: string) => apiFetch<{ entries: AuditEntry[] }>(`/api/rooms/${enc(id)}/audit`),
  bans: (id: string) => apiFetch<{ bans: Ban[] }>(`/api/rooms/${enc(id)}/bans`),
  joinRoom: (id: string) => apiFetch<RoomDetail>(`/api/rooms/${enc(id)}/join`, { method: "POST" }),
  leaveRoom: (id: string) => apiFetch<unknown>(`/api/rooms/${enc(id)}/leave`, { method: "POST" }),
  openDm: (user: string) => apiFetch<RoomDetail>("/api/dms", { method: "POST", body: { user } }),
  /** The one conversation of the caller and these people (1–8 others, any order). */
  openGroupDm: (users: string[]) => apiFetch<RoomDetail>("/api/dms", { method: "POST", body: { users } }),
  search: (query: { q: string; room?: string; limit?: number }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ q: query.q, limit: String(query.limit ?? 30) });
    if (query.room) params.set("room", query.room);
    return apiFetch<{ results: SearchResult[] }>(`/api/search?${params}`, { signal });
  },
  pins: (id: string) => apiFetch<{ pins: Pin[] }>(`/api/rooms/${enc(id)}/pins`),
  pin: (id: string, message: string) => apiFetch<Pin>(`/api/rooms/${enc(id)}/pins`, { method: "POST", body: { message } }),
  unpin: (id: string, message: string) => apiFetch<null>(`/api/rooms/${enc(id)}/pins/${enc(message)}`, { method: "DELETE" }),
  blocks: () => apiFetch<{ blocks: Array<{ id: string; username: string; at: string }> }>("/api/blocks"),
  block: (user: string) => apiFetch<null>("/api/blocks", { method: "POST", body: { user } }),
  unblock: (user: string) => apiFetch<null>(`/api/blocks/${enc(user)}`, { method: "DELETE" }),
  startExport: (id: string) => apiFetch<{ export: RoomExport }>(`/api/rooms/${enc(id)}/exports`, { method: "POST" }),
  listExports: (id: string) => apiFetch<{ exports: RoomExport[] }>(`/api/rooms/${enc(id)}/exports`),
  getExport: (id: string, exportId: string, signal?: AbortSignal) => apiFetch<{ export: RoomExport }>(`/api/rooms/${enc(id)}/exports/${enc(exportId)}`, { signal }),
  activity: (days = 30) => apiFetch<{ days: ActivityRow[] }>(`/api/admin/activity?days=${days}`),
  adminUsers: (query: { q?: string; page: number }) =>
    apiFetch<{ users: AdminUser[]; page: number; limit: number; total: number }>(`/api/admin/users?${adminQuery(query)}`),
  adminUpdateUser: (id: string, body: { disabled?: boolean; site_admin?: boolean }) => apiFetch<unknown>(`/api/admin/users/${enc(id)}`, { method: "PATCH", body }),
  adminDeleteUser: (id: string) => apiFetch<unknown>(`/api/admin/users/${enc(id)}`, { method: "DELETE" }),
  adminResetLink: (id: string) => apiFetch<{ url: string; expires_at: string }>(`/api/admin/users/${enc(id)}/password-reset`, { method: "POST" }),
  adminRooms: (query: { q?: string; page: number }) =>
    apiFetch<{ rooms: AdminRoom[]; page: number; limit: number; total: number }>(`/api/admin/rooms?${adminQuery(query)}`),
  adminArchiveRoom: (id: string, archived: boolean) => apiFetch<unknown>(`/api/admin/rooms/${enc(id)}`, { method: "PATCH", body: { archived } }),
  adminDeleteRoom: (id: string) => apiFetch<unknown>(`/api/admin/rooms/${enc(id)}`, { method: "DELETE" }),
  archiveStatus: () => apiFetch<ArchiveStatus>("/api/admin/archive"),
  setArchive: (enabled: boolean) => apiFetch<ArchiveStatus>("/api/admin/archive", { method: "PATCH", body: { enabled } }),
  siteAudit: () => apiFetch<{ entries: SiteAuditEntry[]; next: string | null }>("/api/admin/audit?limit=100"),
  metrics: () => apiFetch<MetricsSeries>("/api/admin/metrics"),
  inspectReset: (token: string) => apiFetch<{ username: string }>(`/api/password-reset/${enc(token)}`),
  completeReset: (token: string, password: string) => apiFetch<{ username: string }>("/api/password-reset", { method: "POST", body: { token, password } }),
};

/** The server's own words for a failed request (or a generic fallback). */
export function errorMessage(err: unknown, fallback = "Something went wrong. Try again."): string {
  if (err instanceof ApiError) return sentence(err.message);
  return fallback;
}
