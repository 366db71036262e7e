/**
 * The one schema for both drivers (PGlite embedded, postgres.js distributed).
 * Migrations in ./migrations are generated from this file by `npm run db:generate`.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  integer,
  index,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { Attachment as WireAttachment } from "@/protocol";

/** Postgres's tsvector; only ever written by the database (a generated column). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    username: text("username").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** When the user's last socket closed; presence itself is ephemeral. */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    /** Site administrators see site-wide activity and act as owners in every room. */
    siteAdmin: boolean("site_admin").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set by a site admin: the account can no longer sign in and its tokens stop working. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /**
     * Set when a site admin deletes the account. The row stays as a tombstone (username freed,
     * password unusable) so the user's messages keep their place and seq stays gap-free; they
     * carry the sender name "deleted user".
     */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /** Shown instead of the username where set (1–64 chars, trimmed); null shows the username. */
    displayName: text("display_name"),
    /** The AI assistant's account (server/ai): a member of rooms, never signs in. */
    bot: boolean("bot").notNull().default(false),
    /** Colour theme chosen in Settings, applied on every device the user signs in on; 'system' follows the OS. */
    theme: text("theme", { enum: ["system", "light", "dark"] }).notNull().default("system"),
    /** Interface language chosen in Settings (i18n/config.ts); null follows the browser's languages. */
    locale: text("locale"),
  },
  (t) => [uniqueIndex("users_username_lower_idx").on(sql`lower(${t.username})`)],
);

export const rooms = pgTable(
  "rooms",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    topic: text("topic").notNull().default(""),
    visibility: text("visibility", { enum: ["public", "private", "direct"] }).notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    /** Highest seq handed out; the row lock on this column serializes sends per room. */
    lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    /** For direct rooms: the two user ids, sorted and joined, so each pair has one room. */
    dmKey: text("dm_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("rooms_visibility_idx").on(t.visibility),
    uniqueIndex("rooms_dm_key_idx").on(t.dmKey),
    // Names are unique per scope, case-insensitively: public rooms among public rooms, private
    // rooms among their creator's private rooms (a site-wide check would reveal that someone's
    // private room has that name). Direct rooms are named after their pair and not checked.
    uniqueIndex("rooms_public_name_idx").on(sql`lower(${t.name})`).where(sql`${t.visibility} = 'public'`),
    uniqueIndex("rooms_private_name_idx").on(t.createdBy, sql`lower(${t.name})`).where(sql`${t.visibility} = 'private'`),
  ],
);

export const roomMembers = pgTable(
  "room_members",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "moderator", "member", "guest"] }).notNull(),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
    /** Read cursor: the last seq this member has seen, and when. */
    readSeq: bigint("read_seq", { mode: "number" }).notNull().default(0),
    readAt: timestamp("read_at", { withTimezone: true }),
    /** Delivered cursor: the last seq this member's client has rendered. */
    deliveredSeq: bigint("delivered_seq", { mode: "number" }).notNull().default(0),
    mutedUntil: timestamp("muted_until", { withTimezone: true }),
    muteReason: text("mute_reason"),
    /** Desktop notification level the member chose; null follows the room's size (docs/notifications.md). */
    notifyLevel: text("notify_level", { enum: ["all", "mentions", "none"] }),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("room_members_user_idx").on(t.userId)],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    senderId: uuid("sender_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Set for a private message: only sender and recipient may see it. */
    recipientId: uuid("recipient_id").references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["text", "image", "file", "voice", "system"] }).notNull().default("text"),
    content: text("content").notNull(),
    replyTo: uuid("reply_to"),
    clientId: text("client_id").notNull(),
    meta: jsonb("meta").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /** The link preview the background job attached (server/link-previews), or null. */
    preview: jsonb("preview").$type<StoredLinkPreview>(),
    /** The sender removed the preview: none is attached to this message again, edits included. */
    previewRemoved: boolean("preview_removed").notNull().default(false),
    /**
     * The row holds an assistant reply's text so far (server/ai writes it while the reply
     * streams, the final write clears it). Only the server sets it: people's `meta` is theirs.
     */
    partial: boolean("partial").notNull().default(false),
    /**
     * Full-text search terms of the content, kept by Postgres itself. The 'simple' config does no
     * stemming and knows no stop words: chat is multilingual and prefix queries (`deplo:*`) find
     * stems anyway. A tombstone's content is '' so a deleted message matches nothing. A partial
     * reply has none until its final text: tokenizing the whole text again at every periodic
     * write cost four times the rest of the update, on the one backend people's sends wait for.
     */
    search: tsvector("search").generatedAlwaysAs(sql`case when partial then null else to_tsvector('simple'::regconfig, content) end`),
    /** Users the message mentions, resolved against the room's members when stored or edited. */
    mentions: uuid("mentions").array().notNull().default(sql`'{}'::uuid[]`),
    /** The attached uploads as the wire shows them, written once by the commit that claims them. */
    attachments: jsonb("attachments").$type<WireAttachment[]>(),
  },
  (t) => [
    uniqueIndex("messages_room_seq_idx").on(t.roomId, t.seq),
    uniqueIndex("messages_idempotency_idx").on(t.roomId, t.senderId, t.clientId),
    index("messages_search_idx").using("gin", t.search),
    /** The assistant's replies still streaming (server/ai): found per room by joiners' catch-up. */
    index("messages_streaming_idx").on(t.roomId).where(sql`(${t.meta}->>'streaming') = 'true'`),
    /**
     * Newest-first across rooms: a search for a common word walks this and stops at the page
     * size instead of gathering and sorting every match (rare words use the GIN index).
     */
    index("messages_created_idx").on(t.createdAt, t.id),
  ],
);

/** What a message's `preview` column holds: the wire's `preview` object. */
export type StoredLinkPreview = { url: string; title: string; description?: string; site_name?: string };
/** Messages pinned to their room's header by moderators and above. */
export const pins = pgTable(
  "pins",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    pinnedBy: uuid("pinned_by").references(() => users.id, { onDelete: "set null" }),
    pinnedAt: timestamp("pinned_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.messageId] })],
);

export const messageReactions = pgTable(
  "message_reactions",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    emoji: text("emoji").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
);

export const roomBans = pgTable(
  "room_bans",
  {
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    bannedBy: uuid("banned_by").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] })],
);

export const invites = pgTable(
  "invites",
  {
    id: uuid("id").primaryKey(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    role: text("role", { enum: ["admin", "moderator", "member", "guest"] }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    maxUses: integer("max_uses"),
    uses: integer("uses").notNull().default(0),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("invites_token_hash_idx").on(t.tokenHash), index("invites_room_idx").on(t.roomId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetId: uuid("target_id"),
    reason: text("reason"),
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_room_idx").on(t.roomId, t.createdAt)],
);

export const blocks = pgTable(
  "blocks",
  {
    blockerId: uuid("blocker_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: uuid("blocked_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index("blocks_blocked_idx").on(t.blockedId)],
);

/** Analytics: what happened, never message content. */
export const activity = pgTable(
  "activity",
  {
    id: uuid("id").primaryKey(),
    kind: text("kind", { enum: ["connect", "join", "message", "moderation"] }).notNull(),
    userId: uuid("user_id"),
    roomId: uuid("room_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("activity_created_idx").on(t.createdAt)],
);

/** Room exports (JSON lines + HTML transcript) built by the `room-export` job. */
export const roomExports = pgTable(
  "exports",
  {
    id: uuid("id").primaryKey(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: ["queued", "running", "done", "failed", "expired"] }).notNull().default("queued"),
    /** 0..1, persisted after each batch so every instance can answer the status poll. */
    progress: real("progress").notNull().default(0),
    /** The files' common path without extension (`DATA_DIR/exports/<id>`), once written. */
    path: text("path"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("exports_room_idx").on(t.roomId, t.createdAt), index("exports_expires_idx").on(t.expiresAt)],
);

/** Compliance archive: the highest seq of each room already written to an archive file. */
export const archiveCursors = pgTable("archive_cursors", {
  roomId: uuid("room_id")
    .primaryKey()
    .references(() => rooms.id, { onDelete: "cascade" }),
  lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
  /**
   * Set when a site admin turns the archive off: the room's last seq at that moment. Messages
   * up to it were sent while the archive was on, so the archive job still writes them (and
   * retention still waits for it) while the switch is off.
   */
  owedSeq: bigint("owed_seq", { mode: "number" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Compliance archive: every file written, recorded in the transaction that advances the cursor. */
export const archiveFiles = pgTable(
  "archive_files",
  {
    roomId: uuid("room_id").notNull(),
    /** UTC day of the records, yyyy-mm-dd. */
    day: text("day").notNull(),
    part: integer("part").notNull(),
    /** Relative to DATA_DIR/archive. */
    path: text("path").notNull(),
    sha256: text("sha256").notNull(),
    records: integer("records").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.day, t.part] })],
);

/**
 * Edits and deletes waiting for the compliance archive (written only while ARCHIVE_ENABLED).
 * Rows are consumed (deleted) in the transaction that records their archive file, so no
 * cursor over this table is needed: ids come from a sequence and commit out of order.
 */
export const messageChanges = pgTable(
  "message_changes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    roomId: uuid("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    kind: text("kind", { enum: ["edit", "delete"] }).notNull(),
    actorId: uuid("actor_id"),
    /** The content after an edit; for a delete, the content that was removed. */
    content: text("content").notNull(),
    previousContent: text("previous_content"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("message_changes_room_idx").on(t.roomId, t.id)],
);

/** Every site-admin action (users, rooms), newest first in the admin page's Audit section. */
export const siteAudit = pgTable(
  "site_audit",
  {
    id: uuid("id").primaryKey(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type", { enum: ["user", "room", "site"] }).notNull(),
    /** Not a foreign key: the audit outlives what it names (deleted rooms). */
    targetId: uuid("target_id").notNull(),
    /** What the target was called when the action happened. */
    targetName: text("target_name").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("site_audit_created_idx").on(t.createdAt)],
);

/**
 * Site-wide settings changed at run time by site admins (key "archive": the compliance archive
 * switch). A missing row means the environment's default (e.g. ARCHIVE_ENABLED).
 */
export const siteSettings = pgTable("site_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
});

/** One-time password reset links made by site admins; the token is shown once and stored hashed. */
export const passwordResets = pgTable(
  "password_resets",
  {
    /** SHA-256 of the token. */
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/**
 * Link previews fetched per URL, so N messages with the same link fetch it once per TTL.
 * A failed fetch is cached too (error set, no title), for a shorter time.
 */
export const linkPreviews = pgTable("link_previews", {
  url: text("url").primaryKey(),
  title: text("title"),
  description: text("description"),
  siteName: text("site_name"),
  /** Why no preview could be made (blocked, not_html, too_large, timeout, …); null on success. */
  error: text("error"),
  fetchedAt: timestamp("fetched_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Uploaded files (bytes in the FileStore under `uploads/<id[0..2]>/<id>`, a WebP thumbnail under
 * the same key + `.webp`). `message_id` is set once, by the group commit that attaches the
 * upload to a message. Neither it nor `room_id` is a foreign key: rows must outlive a deleted
 * message or room until the `uploads-sweep` job has deleted their bytes too.
 */
export const uploads = pgTable(
  "uploads",
  {
    id: uuid("id").primaryKey(),
    roomId: uuid("room_id").notNull(),
    uploaderId: uuid("uploader_id").notNull(),
    messageId: uuid("message_id"),
    /** Sanitized client file name, for display and Content-Disposition only. */
    name: text("name").notNull(),
    /** Bytes stored (for JPEGs: of the copy with metadata stripped). */
    size: bigint("size", { mode: "number" }).notNull(),
    /** Sniffed from the bytes, never the client's claim. */
    mime: text("mime").notNull(),
    hasThumb: boolean("has_thumb").notNull().default(false),
    width: integer("width"),
    height: integer("height"),
    durationMs: integer("duration_ms"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("uploads_uploader_idx").on(t.uploaderId), index("uploads_message_idx").on(t.messageId), index("uploads_created_idx").on(t.createdAt)],
);
