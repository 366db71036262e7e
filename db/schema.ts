/**
 * The one schema for both drivers (PGlite embedded, postgres.js distributed).
 * Migrations in ./migrations are generated from this file by `npm run db:generate`.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    username: text("username").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** When the user's last socket closed; presence itself is ephemeral. */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rooms_visibility_idx").on(t.visibility)],
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
    kind: text("kind", { enum: ["text", "image", "file"] }).notNull().default("text"),
    content: text("content").notNull(),
    replyTo: uuid("reply_to"),
    clientId: text("client_id").notNull(),
    meta: jsonb("meta").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("messages_room_seq_idx").on(t.roomId, t.seq),
    uniqueIndex("messages_idempotency_idx").on(t.roomId, t.senderId, t.clientId),
  ],
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
