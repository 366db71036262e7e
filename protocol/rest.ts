/** Request bodies and query strings of the REST contract, shared by route handlers and forms. */
import { z } from "zod";
import { refineSend, SendFrameFields, storableText, type Message, type PresenceStatus } from "./index";
import { LOCALES } from "@/i18n/config";

export const Username = storableText()
  .trim()
  .min(3, "username must be at least 3 characters")
  .max(32, "username must be at most 32 characters")
  .regex(/^[a-zA-Z0-9_.-]+$/, "username may contain letters, digits, '_', '.' and '-'");
export const Password = storableText().min(8, "password must be at least 8 characters").max(200, "password is too long");

export const RegisterBody = z.object({ username: Username, password: Password });
/**
 * A display name: shown instead of the username where set. Trimmed; what Postgres can store;
 * 1–64 characters. PATCH /api/me takes it or null (show the username again).
 */
export const DisplayName = storableText().trim().min(1, "display name is empty").max(64, "display name must be at most 64 characters");
/** The colour theme a user picked in Settings; 'system' follows the operating system's setting. */
export const ThemePreference = z.enum(["system", "light", "dark"]);
export type ThemePreference = z.infer<typeof ThemePreference>;
/** The interface language a user picked in Settings (i18n/config.ts); null follows the browser's languages. */
export const LocalePreference = z.enum(LOCALES).nullable();
export type LocalePreference = z.infer<typeof LocalePreference>;
/** PATCH /api/me: any of the fields; a body with none is refused (naming display_name, the original field). */
export const UpdateMeBody = z
  .object({ display_name: DisplayName.nullable().optional(), theme: ThemePreference.optional(), locale: LocalePreference.optional() })
  .strict()
  .refine((b) => b.display_name !== undefined || b.theme !== undefined || b.locale !== undefined, {
    message: "display_name, theme or locale is required",
    path: ["display_name"],
  });
export const TokenBody = z.object({ username: storableText().min(1).max(64), password: storableText().min(1).max(200) });

export const RoomName = storableText().trim().min(1, "name is required").max(80, "name must be at most 80 characters");
export const CreateRoomBody = z.object({
  name: RoomName,
  visibility: z.enum(["public", "private"]),
  topic: storableText().trim().max(500).optional(),
});

export const ListRoomsQuery = z.object({
  q: storableText().trim().max(100).optional(),
  scope: z.enum(["mine", "public"]).optional(),
});

/**
 * A date in a query string. JavaScript accepts years from -271821 to +275760, Postgres and
 * ISO 8601's plain form do not: anything outside years 1–9999 is refused as INVALID.
 */
export const QueryDate = z.coerce
  .date({ error: "must be an ISO 8601 date" })
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, "must be a date between the years 1 and 9999");

/** POST /api/rooms/:id/messages: the socket's `send` frame without `type` and `room` (the path names it), and without `file` (bytes need MessagePack). */
export const SendMessageBody = SendFrameFields.omit({ type: true, room: true, file: true }).superRefine(refineSend);

export const HistoryQuery = z.object({
  before: z.coerce.number().int().min(0).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type RoomSummary = {
  id: string;
  name: string;
  topic: string;
  visibility: "public" | "private" | "direct";
  last_seq: number;
  role?: string;
  unread?: number;
  /** Mine only: the user's read cursor (system lines make `last_seq - unread` no cursor at all). */
  read_seq?: number;
  /** Mine only: unread messages that mention the user. */
  mentions?: number;
  /** Mine only: the user's notification level for the room (their choice or the size default). */
  notifications?: NotificationLevel;
  joined?: boolean;
  member_count?: number;
};

export type RoomDetail = RoomSummary & {
  settings: Record<string, unknown>;
  members: Array<{ id: string; username: string; display_name?: string | null; role: string; muted_until?: string | null; muted_reason?: string | null }>;
  created_at: string;
  /** Extension, 1:1 direct rooms only: the conversation is closed by the viewer's block or by the other person's. */
  dm_blocked?: "by_me" | "by_them";
};

export const NotificationLevel = z.enum(["all", "mentions", "none"]);
export type NotificationLevel = z.infer<typeof NotificationLevel>;
/** PATCH /api/rooms/:id/notifications: the caller's own level for the room. */
export const NotificationsBody = z.object({ level: NotificationLevel }).strict();

export const MembersQuery = z.object({
  /** The last username of the previous page. */
  after: storableText().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  q: storableText().trim().max(100).optional(),
});

/** GET /api/rooms/:id/members: one page, by username. */
export type MembersPage = {
  members: Array<{ id: string; username: string; display_name?: string | null; role: string; muted_until: string | null; status: (typeof PresenceStatus)[number] | "offline"; last_seen: string | null }>;
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
  total: number;
};

export const RoomSettings = z
  .object({
    /** Messages older than this many days are deleted (fractions allowed, e.g. 0.5 = 12 h); null keeps everything. */
    retention_days: z.number().positive().max(36_500).nullable(),
    files_allowed: z.boolean(),
    typing_indicators: z.boolean(),
    /** Seconds between two messages of one member; 0 turns slow mode off. */
    slow_mode_s: z.number().int().min(0).max(3600),
    member_limit: z.number().int().min(2).max(100_000).nullable(),
    guests_can_post: z.boolean(),
    /** Whether joins and leaves are written to history as system lines (default true); big rooms turn it off. */
    system_joins: z.boolean(),
    /** Whether moderators and above may mention everyone with `@room` (default true). */
    room_mentions: z.boolean(),
    /** Whether the AI assistant answers `@<AI_NAME>` here (default true when AI is configured; docs/ai.md). */
    assistant: z.boolean(),
  })
  .partial();
export type RoomSettings = z.infer<typeof RoomSettings>;

export const PatchRoomBody = RoomSettings.extend({
  name: RoomName.optional(),
  topic: storableText().trim().max(500).optional(),
  visibility: z.enum(["public", "private"]).optional(),
}).strict();

export const ModerationBody = z.discriminatedUnion("action", [
  z.object({ action: z.literal("mute"), user: z.string().uuid(), duration_s: z.number().int().min(1).max(31_536_000).optional(), reason: storableText().trim().max(500).optional() }),
  z.object({ action: z.enum(["unmute", "kick", "ban", "unban"]), user: z.string().uuid(), reason: storableText().trim().max(500).optional() }),
  z.object({ action: z.literal("role"), user: z.string().uuid(), role: z.enum(["admin", "moderator", "member", "guest"]), reason: storableText().trim().max(500).optional() }),
  z.object({ action: z.literal("delete_message"), message: z.string().uuid(), reason: storableText().trim().max(500).optional() }),
]);
export type ModerationBody = z.infer<typeof ModerationBody>;

export const CreateInviteBody = z
  .object({
    expires_in_s: z.number().int().min(1).max(30 * 86_400).default(7 * 86_400),
    max_uses: z.number().int().min(1).max(10_000).nullable().optional(),
    role: z.enum(["admin", "moderator", "member", "guest"]).default("member"),
  })
  .strict();

export const UserRef = z.object({ user: z.string().uuid() });

/** Site admins: disable or re-enable an account, grant or revoke site admin (one or both). */
export const UserStatusBody = z
  .object({ disabled: z.boolean().optional(), site_admin: z.boolean().optional() })
  .strict()
  .refine((b) => b.disabled !== undefined || b.site_admin !== undefined, "give disabled or site_admin");

/** Site admins: pages of users or rooms, optionally filtered by name. */
export const AdminListQuery = z.object({
  q: storableText().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const AdminRoomBody = z.object({ archived: z.boolean() }).strict();
/** PATCH /api/admin/archive: the compliance archive switch. */
export const AdminArchiveBody = z.object({ enabled: z.boolean() }).strict();

export const SiteAuditQuery = z.object({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Dashboard series newer than `since` (ms since the epoch); the last hour by default. */
export const MetricsQuery = z.object({ since: z.coerce.number().int().min(0).optional() });

/** Sets a new password with a one-time reset link's token. */
export const PasswordResetBody = z
  .object({ token: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/), password: Password })
  .strict();

/** A room export as `POST/GET /api/rooms/:id/exports…` answer it; `url` and `html_url` once done. */
export type RoomExport = {
  id: string;
  room: string;
  status: "queued" | "running" | "done" | "failed" | "expired";
  /** 0..1 */
  progress: number;
  /** The JSON lines file (one wire message per line, as the history REST returns them). */
  url?: string;
  /** The self-contained HTML transcript. */
  html_url?: string;
  error?: string | null;
  created_at: string;
  finished_at: string | null;
  expires_at: string;
};

export const ExportDownloadQuery = z.object({ format: z.enum(["jsonl", "html"]).default("jsonl") });

/** Site administration answers (`/api/admin/...`). */
export type AdminUser = { id: string; username: string; display_name: string | null; site_admin: boolean; disabled: boolean; created_at: string; last_seen_at: string | null };

export type AdminRoom = {
  id: string;
  name: string;
  visibility: "public" | "private" | "direct";
  members: number;
  messages: number;
  archived_at: string | null;
  created_at: string;
};

export type SiteAuditEntry = {
  id: string;
  action: string;
  actor: { id: string; username: string } | null;
  target: { type: "user" | "room" | "site"; id: string; name: string };
  details: Record<string, unknown> | null;
  created_at: string;
};

export type ArchiveStatus = {
  enabled: boolean;
  /** "setting": chosen by a site admin; "environment": ARCHIVE_ENABLED, nobody has chosen yet. */
  source: "setting" | "environment";
  updated_at: string | null;
  updated_by: { id: string; username: string } | null;
  /** The archive job's last finished run that had work (files written or owed work done). */
  last_run: { at: string; records: number } | null;
  files: number;
  last_file_at: string | null;
  /** On the server's disk; files are not served over HTTP. */
  directory: string;
  manifest_path: string;
};

/** The admin dashboard's metrics series (`GET /api/admin/metrics`). */
/** One point of a chart, as the API returns it; latencies are null when nothing was observed. */
export interface Point {
  t: number;
  connections: number;
  messages_per_s: number;
  send_ack_p50_ms: number | null;
  send_ack_p99_ms: number | null;
  fanout_p50_ms: number | null;
  fanout_p99_ms: number | null;
  loop_lag_ms: number;
  jobs_queued: number;
  jobs_failed: number;
}

export interface Series {
  interval_ms: number;
  /** Each instance that sampled in the last hour, by id (`host:pid`). */
  instances: Array<{ id: string; points: Point[] }>;
  /** All instances together: sums, percentiles of the merged histograms, the worst loop lag. */
  total: Point[];
}
/**
 * POST /api/dms: `{user}` opens the one direct room of two people (contract v1); `{users}`
 * (extension) opens the one conversation of the caller and 1–8 others, whatever their order.
 */
export const MAX_GROUP_DM_OTHERS = 8;
export const OpenDmBody = z.union([
  z.object({
    users: z
      .array(z.string().uuid())
      .min(1, "name at least one other person")
      .max(MAX_GROUP_DM_OTHERS, `at most ${MAX_GROUP_DM_OTHERS} other people`)
      .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, "each person once"),
  }),
  UserRef,
]);

/**
 * GET /api/search. `q` is free text: only its words are searched (each as a prefix), so
 * tsquery operators in it are plain characters. `before`: a message id (the last result of the
 * previous page) or an ISO date; results are older than it.
 */
export const SEARCH_QUERY_MAX = 256;
export const SearchQuery = z.object({
  q: storableText().trim().min(1, "q: type something to search for").max(SEARCH_QUERY_MAX, `q: at most ${SEARCH_QUERY_MAX} characters`),
  room: z.string().uuid().optional(),
  from: z.string().uuid().optional(),
  before: z.union([z.string().uuid(), QueryDate]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export type SearchResult = {
  message: Message;
  room: { id: string; name: string; visibility: RoomSummary["visibility"] };
  /**
   * The matching part of the content, HTML-escaped, with each match inside `<mark>…</mark>`
   * (the only markup it ever holds). Empty for a message whose sender the caller blocked.
   */
  highlight: string;
};

/** POST /api/rooms/:id/pins. */
export const PinBody = z.object({ message: z.string().uuid() }).strict();

export type Pin = { message: Message; pinned_by: { id: string; username: string } | null; pinned_at: string };
