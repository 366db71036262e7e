/**
 * Wire contract v1: the one definition of every frame, shared by the server gateway and the
 * browser client. Both directions are validated with these schemas; types come from z.infer.
 *
 * The contract is fixed (external tests speak it): add frames and optional fields, never rename.
 */
import { z } from "zod";

// Pages run under a CSP without 'unsafe-eval': zod's JIT probe (`Function("")`) would be
// reported as a violation on every page, so browsers parse without it.
if (typeof window !== "undefined") z.config({ jitless: true });

/**
 * The wire protocol's version. Adding frames, fields, error codes or routes does not bump it;
 * renaming or removing any of them, or changing what one means, does (docs/protocol-versions.md).
 * Clients say theirs with `/ws?v=N` (none: the current one); `ready.protocol` is the server's.
 */
export const PROTOCOL_VERSION = 1;
/** The client versions this server speaks; others are closed with UNSUPPORTED_PROTOCOL. */
export const SUPPORTED_PROTOCOLS = { min: 1, max: PROTOCOL_VERSION } as const;

/** Largest text frame the gateway accepts; files go over HTTP upload, not the socket. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_CONTENT_CHARS = 4000;
/** Uploads one message may carry. */
export const MAX_ATTACHMENTS = 10;
/**
 * Extension: the WebSocket subprotocol in which every frame, both ways, is one binary
 * MessagePack frame with the same schema as the JSON frames. Only on such a socket may `send`
 * carry `file` (bytes), up to MAX_INLINE_FILE_BYTES.
 */
export const MSGPACK_SUBPROTOCOL = "confab.v1.msgpack";
export const MAX_INLINE_FILE_BYTES = 512 * 1024;
/** Largest binary frame on a MessagePack socket: an inline file and the rest of its `send`. */
export const MAX_BINARY_FRAME_BYTES = MAX_INLINE_FILE_BYTES + MAX_FRAME_BYTES;
/** How many missed messages a `join` replays before answering with a `gap`. */
export const REPLAY_LIMIT = 200;

export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_IN_ROOM: "NOT_IN_ROOM",
  RATE_LIMITED: "RATE_LIMITED",
  INVALID: "INVALID",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  UNAVAILABLE: "UNAVAILABLE",
  INTERNAL: "INTERNAL",
  /** Extension: the room was archived by a site admin and is read-only. */
  ARCHIVED: "ARCHIVED",
  /** Extension: an upload is over MAX_UPLOAD_BYTES, the uploader's quota or the image pixel bound (HTTP 413). */
  TOO_LARGE: "TOO_LARGE",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Extension: why an error happened, where a client acts on the cause rather than the code
 * (`error.reason` on the socket, `{error: {reason}}` over REST). Absent when the code says it all.
 */
export const ErrorReason = {
  /** FORBIDDEN because the user is banned from the room. */
  BANNED: "banned",
  /** RATE_LIMITED because the room is in slow mode (one message per `slow_mode_s` per member). */
  SLOW_MODE: "slow_mode",
} as const;
export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason];

export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  INVALID_PAYLOAD: 1007,
  TOO_BIG: 1009,
  UNAUTHENTICATED: 4001,
  FORBIDDEN: 4003,
  RATE_LIMITED: 4008,
  INTERNAL: 4100,
  /** Extension: the client's `?v=` is outside SUPPORTED_PROTOCOLS; the reason names the range. */
  UNSUPPORTED_PROTOCOL: 4400,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const MessageKind = ["text", "image", "file", "voice", "system"] as const;
export type MessageKind = (typeof MessageKind)[number];
/** The kinds a client may send; `system` lines are written by the server alone. */
export const ClientMessageKind = ["text", "image", "file", "voice"] as const;

export const RoomRole = ["owner", "admin", "moderator", "member", "guest"] as const;
export type RoomRole = (typeof RoomRole)[number];

const id = z.string().uuid();
const roomId = z.string().uuid();

/**
 * Postgres cannot store U+0000 in text or jsonb, and an unpaired surrogate is not Unicode at
 * all (jsonb refuses it, text would silently become U+FFFD). Every text field that may be
 * stored or used in a query is refused at validation instead, naming the field.
 */
const UNSTORABLE = /\u0000|\p{Cs}/u;
export const isStorableText = (value: string) => !UNSTORABLE.test(value);
const UNSTORABLE_MESSAGE = "must not contain U+0000 or unpaired surrogates";

/** A string schema that refuses what Postgres cannot store; chain trim/min/max after it. */
export const storableText = () => z.string().refine(isStorableText, UNSTORABLE_MESSAGE);

/** Deepest nesting accepted inside free-form JSON such as `meta`. */
export const MAX_JSON_DEPTH = 16;

/**
 * Whether free-form JSON can be stored as jsonb: no key or string holds unstorable text and it
 * nests at most MAX_JSON_DEPTH deep. Iterative, so hostile nesting cannot exhaust the stack.
 */
export function checkStorableJson(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item === "string") {
      if (!isStorableText(item)) return UNSTORABLE_MESSAGE;
    } else if (typeof item === "object" && item !== null) {
      if (depth >= MAX_JSON_DEPTH) return `must nest at most ${MAX_JSON_DEPTH} levels deep`;
      for (const [key, child] of Object.entries(item)) {
        if (!isStorableText(key)) return UNSTORABLE_MESSAGE;
        stack.push([child, depth + 1]);
      }
    }
  }
  return null;
}

const storableJsonObject = () =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problem = checkStorableJson(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const seq = z.number().int().nonnegative();

// ---------------------------------------------------------------------------------------------
// Client → server

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** One emoji grapheme (which may be a ZWJ sequence, a flag or carry skin-tone modifiers). */
export function isEmoji(value: string): boolean {
  if (value.length === 0 || value.length > 32) return false;
  const segments = [...graphemes.segment(value)];
  return segments.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(value);
}

export const AuthFrame = z.object({ type: z.literal("auth"), token: storableText().min(1).max(4096) });
export const JoinFrame = z.object({ type: z.literal("join"), id: id.optional(), room: roomId, since: seq.optional() });
export const LeaveFrame = z.object({ type: z.literal("leave"), id: id.optional(), room: roomId });
/** `send` before its cross-field rules (REST sends derive their body from it: protocol/rest.ts). */
export const SendFrameFields = z
  .object({
    type: z.literal("send"),
    id,
    room: roomId,
    /** May be empty (or absent) only when the message carries attachments. */
    content: storableText().trim().max(MAX_CONTENT_CHARS).default(""),
    kind: z.enum(ClientMessageKind).optional(),
    to: z.string().uuid().optional(),
    reply_to: z.string().uuid().optional(),
    meta: storableJsonObject().optional(),
    /** Extension: ids of the sender's own uploads to this room, each attachable once. */
    attachments: z
      .array(z.string().uuid())
      .max(MAX_ATTACHMENTS)
      .refine((ids) => new Set(ids).size === ids.length, "attachments: an upload is listed twice")
      .optional(),
    /**
     * Extension, MessagePack sockets only (JSON has no bytes): a small file stored exactly as an
     * upload would be and attached to this message. `mime` is a hint; the type is sniffed.
     */
    file: z
      .object({
        name: storableText().max(255),
        mime: z.string().max(255).optional(),
        data: z
          .instanceof(Uint8Array, { message: "must be bytes (MessagePack bin)" })
          .refine((d) => d.byteLength > 0 && d.byteLength <= MAX_INLINE_FILE_BYTES, `must be 1 to ${MAX_INLINE_FILE_BYTES} bytes`),
      })
      .optional(),
  });

/** A send's rules across fields: some content or something attached; the inline file counts as an attachment. */
export function refineSend(frame: { content: string; attachments?: string[]; file?: unknown }, ctx: z.RefinementCtx): void {
  if (frame.content === "" && !frame.attachments?.length && !frame.file) ctx.addIssue({ code: "custom", path: ["content"], message: "content is empty" });
  if (frame.file && (frame.attachments?.length ?? 0) >= MAX_ATTACHMENTS) {
    ctx.addIssue({ code: "custom", path: ["attachments"], message: `at most ${MAX_ATTACHMENTS} attachments, the file included` });
  }
}

export const SendFrame = SendFrameFields.superRefine(refineSend);
export const PingFrame = z.object({ type: z.literal("ping"), id: id.optional() });
export const EditFrame = z.object({
  type: z.literal("edit"),
  id,
  room: roomId,
  message: z.string().uuid(),
  content: storableText().trim().min(1, "content is empty").max(MAX_CONTENT_CHARS),
});
export const DeleteFrame = z.object({ type: z.literal("delete"), id, room: roomId, message: z.string().uuid() });
export const TypingFrame = z.object({ type: z.literal("typing"), id: id.optional(), room: roomId, state: z.enum(["start", "stop"]) });
export const ReadFrame = z.object({ type: z.literal("read"), id: id.optional(), room: roomId, seq });
/** Extension: the client reports what it has rendered, so senders can show "delivered". */
export const DeliveredFrame = z.object({ type: z.literal("delivered"), id: id.optional(), room: roomId, seq });
export const ReactFrame = z.object({
  type: z.literal("react"),
  id,
  room: roomId,
  message: z.string().uuid(),
  emoji: z.string().refine(isEmoji, "emoji must be a single emoji"),
  op: z.enum(["add", "remove"]),
});
/**
 * Extension (docs/ai.md): stop the assistant's reply `message` (or the reply to the request
 * `message`). The requester and moderators may; answered with `ack`, then `message_updated`
 * with `meta.finish: "cancelled"`.
 */
export const CancelFrame = z.object({ type: z.literal("cancel"), id, room: roomId, message: z.string().uuid() });
export const PresenceStatus = ["online", "idle", "away", "dnd"] as const;
/**
 * Extension: follow rooms without joining them (default: every room of the user). Answered
 * with `unread`; afterwards each new message in a watched room arrives as a small
 * `room_activity`, plus the user's own receipts and member events, room updates and presence.
 */
export const WatchFrame = z.object({ type: z.literal("watch"), id: id.optional(), rooms: z.array(roomId).max(1000).optional() });
/** Extension: stop following rooms (a joined room stays joined). */
export const UnwatchFrame = z.object({ type: z.literal("unwatch"), id: id.optional(), rooms: z.array(roomId).max(1000) });
export const PresenceFrame = z.object({ type: z.literal("presence"), id: id.optional(), status: z.enum(PresenceStatus) });

export const ClientFrame = z.discriminatedUnion("type", [
  AuthFrame,
  JoinFrame,
  LeaveFrame,
  SendFrame,
  PingFrame,
  EditFrame,
  DeleteFrame,
  TypingFrame,
  ReadFrame,
  DeliveredFrame,
  ReactFrame,
  PresenceFrame,
  WatchFrame,
  UnwatchFrame,
  CancelFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---------------------------------------------------------------------------------------------
// Server → client

/** Extension: what the server found at a message's first link. No image: clients never load third-party images. */
export const LinkPreview = z.object({
  url: z.string(),
  title: z.string(),
  description: z.string().optional(),
  site_name: z.string().optional(),
});
export type LinkPreview = z.infer<typeof LinkPreview>;

/**
 * Extension: an uploaded file as a message carries it (and as `POST /api/rooms/:id/uploads`
 * answers it). `url` and `thumb_url` are same-origin paths readable by the room's members.
 */
export const Attachment = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  mime: z.string(),
  url: z.string(),
  thumb_url: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  duration_ms: z.number().int().optional(),
});
export type Attachment = z.infer<typeof Attachment>;
export const Message = z.object({
  id: z.string(),
  room: z.string(),
  seq: z.number().int(),
  sender: z.string(),
  sender_name: z.string().optional(),
  /** Extension: the sender's display name when they set one (shown instead of sender_name). */
  sender_display: z.string().nullable().optional(),
  kind: z.enum(MessageKind),
  content: z.string(),
  to: z.string().nullable().optional(),
  reply_to: z.string().nullable().optional(),
  client_id: z.string(),
  meta: z.record(z.string(), z.unknown()).nullable().optional(),
  created_at: z.string(),
  edited_at: z.string().nullable().optional(),
  deleted: z.boolean().optional(),
  /** Extension: the sender is blocked by the viewer; content is withheld. */
  blocked: z.boolean().optional(),
  reactions: z.array(z.object({ emoji: z.string(), count: z.number().int(), users: z.array(z.string()) })).optional(),
  /** Extension: a preview of the message's first http(s) link, attached later by the server (docs/link-previews.md). */
  preview: LinkPreview.optional(),
  /**
   * Extension: ids of the users the message mentions (`@name`, `@here`, `@room`), resolved by
   * the server against the room's members when stored and again on edit. Always sent by this
   * server (empty when none); optional for messages of older servers.
   */
  mentions: z.array(z.string()).optional(),
  /** Extension: uploaded files (absent when none, or when the message was deleted). */
  attachments: z.array(Attachment).optional(),
  /**
   * Extension: the assistant's reply is still being generated; `delta` frames extend `content`
   * until a `message_updated` with `streaming: false` carries the final text (docs/ai.md).
   */
  streaming: z.boolean().optional(),
});
export type Message = z.infer<typeof Message>;

const SystemUser = z.object({ id: z.string(), username: z.string() });
const reason = z.string().nullable();

/**
 * Extension: what a message of kind `system` records (its `meta`). The server writes one after
 * a room event commits, so history tells the room's story; `content` carries the same as one
 * plain-English sentence for clients that do not know `event`. `actor` did it; `target` is the
 * member it concerns (for joined and left, the member who did it). New events join the union
 * (pins will); a client renders `content` for an event it cannot parse.
 */
export const SystemMeta = z.discriminatedUnion("event", [
  z.object({ event: z.literal("joined"), target: SystemUser }),
  z.object({ event: z.literal("left"), target: SystemUser }),
  z.object({ event: z.literal("kicked"), actor: SystemUser, target: SystemUser, reason }),
  z.object({ event: z.literal("banned"), actor: SystemUser, target: SystemUser, reason }),
  z.object({ event: z.literal("unbanned"), actor: SystemUser, target: SystemUser, reason }),
  z.object({ event: z.literal("muted"), actor: SystemUser, target: SystemUser, until: z.string(), reason }),
  z.object({ event: z.literal("unmuted"), actor: SystemUser, target: SystemUser, reason }),
  z.object({ event: z.literal("role"), actor: SystemUser, target: SystemUser, role: z.enum(RoomRole), from: z.enum(RoomRole).nullable(), reason }),
  z.object({ event: z.literal("renamed"), actor: SystemUser, from: z.string(), to: z.string() }),
  z.object({ event: z.literal("topic"), actor: SystemUser, from: z.string(), to: z.string() }),
  z.object({ event: z.literal("visibility"), actor: SystemUser, from: z.enum(["public", "private"]), to: z.enum(["public", "private"]) }),
  /** `changed`: the keys of room settings whose value changed (e.g. "slow_mode_s"). */
  z.object({ event: z.literal("settings"), actor: SystemUser, changed: z.array(z.string()) }),
]);
export type SystemMeta = z.infer<typeof SystemMeta>;
export type SystemEvent = SystemMeta["event"];

/** The structured meta of a system message, or null (another kind, or an event this build does not know). */
export function systemMetaOf(message: Pick<Message, "kind" | "meta">): SystemMeta | null {
  if (message.kind !== "system" || !message.meta) return null;
  const parsed = SystemMeta.safeParse(message.meta);
  return parsed.success ? parsed.data : null;
}
export type Reaction = NonNullable<Message["reactions"]>[number];

export const Member = z.object({
  id: z.string(),
  username: z.string(),
  /** Extension: shown instead of the username where set; null or absent shows the username. */
  display_name: z.string().nullable().optional(),
  role: z.enum(RoomRole),
});
export type Member = z.infer<typeof Member>;

export const ReadyFrame = z.object({
  type: z.literal("ready"),
  user: z.object({ id: z.string(), username: z.string() }),
  session: z.string(),
  protocol: z.number().int(),
});
export const JoinedFrame = z.object({
  type: z.literal("joined"),
  ref: z.string().optional(),
  room: z.string(),
  seq: z.number().int(),
  members: z.array(Member),
  typing: z.array(z.string()),
  reads: z.record(z.string(), z.number().int()),
  /** Extension: each member's delivered cursor and current presence. */
  delivered: z.record(z.string(), z.number().int()).optional(),
  presence: z.record(z.string(), z.object({ status: z.enum([...PresenceStatus, "offline"]), last_seen: z.string().nullable() })).optional(),
  /**
   * Extension: how many members the room has, and whether `members` (with reads, delivered,
   * presence) lists them all; big rooms list the first JOINED_MEMBERS_MAX and page the rest
   * with GET /api/rooms/:id/members.
   */
  member_count: z.number().int().optional(),
  members_complete: z.boolean().optional(),
});
export const LeftFrame = z.object({ type: z.literal("left"), ref: z.string().optional(), room: z.string() });
export const MessageFrame = z.object({ type: z.literal("message"), room: z.string(), message: Message });
export const AckFrame = z.object({ type: z.literal("ack"), ref: z.string(), message: Message });
export const GapFrame = z.object({ type: z.literal("gap"), room: z.string(), from: z.number().int(), to: z.number().int() });
export const MemberFrame = z.object({
  type: z.literal("member"),
  room: z.string(),
  /** `display_name` (extension): on "joined", the member's display name when they set one. */
  user: z.object({ id: z.string(), username: z.string(), display_name: z.string().nullable().optional() }),
  event: z.enum(["joined", "left", "kicked", "banned", "muted", "unmuted", "role"]),
  /** Extensions: the new role (event "role"), the end of a mute, the moderator's reason. */
  role: z.enum(RoomRole).optional(),
  until: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
});
export const RoomUpdatedFrame = z.object({
  type: z.literal("room_updated"),
  room: z.string(),
  settings: z.record(z.string(), z.unknown()),
  name: z.string().optional(),
  topic: z.string().optional(),
  visibility: z.enum(["public", "private", "direct"]).optional(),
});
export const MessageUpdatedFrame = z.object({ type: z.literal("message_updated"), ref: z.string().optional(), room: z.string(), message: Message });
export const MessageDeletedFrame = z.object({ type: z.literal("message_deleted"), ref: z.string().optional(), room: z.string(), message: Message });
export const TypingUsersFrame = z.object({
  type: z.literal("typing"),
  room: z.string(),
  users: z.array(z.string()),
  /** Extension: usernames of `users`, so a client need not look them up. */
  names: z.record(z.string(), z.string()).optional(),
});
export const ReceiptFrame = z.object({
  type: z.literal("receipt"),
  room: z.string(),
  user: z.string(),
  seq: z.number().int(),
  status: z.enum(["seen", "delivered"]),
  at: z.string(),
});
export const ReactionFrame = z.object({
  type: z.literal("reaction"),
  ref: z.string().optional(),
  room: z.string(),
  message: z.string(),
  emoji: z.string(),
  count: z.number().int(),
  users: z.array(z.string()),
});
export const UserPresenceFrame = z.object({
  type: z.literal("presence"),
  user: z.string(),
  status: z.enum([...PresenceStatus, "offline"]),
  last_seen: z.string().nullable(),
});
/** Extension: the user became a member of a room (a DM opened, an invite accepted, a join elsewhere). */
export const RoomAddedFrame = z.object({
  type: z.literal("room_added"),
  room: z.object({ id: z.string(), name: z.string(), topic: z.string(), visibility: z.enum(["public", "private", "direct"]) }),
});
/** Extension: the answer to `watch`: where the user stands in each watched room. */
export const UnreadFrame = z.object({
  type: z.literal("unread"),
  ref: z.string().optional(),
  rooms: z.array(
    z.object({
      room: z.string(),
      last_seq: z.number().int(),
      read_seq: z.number().int(),
      unread: z.number().int(),
      /** Extension: unread messages that mention the user (absent: none). */
      mentions: z.number().int().optional(),
    }),
  ),
  /** The other person's presence in each watched direct conversation. */
  presence: z.record(z.string(), z.object({ status: z.enum([...PresenceStatus, "offline"]), last_seen: z.string().nullable() })).optional(),
});
/** Extension: a new message in a watched (not joined) room: enough for an unread badge. */
export const RoomActivityFrame = z.object({
  type: z.literal("room_activity"),
  room: z.string(),
  seq: z.number().int(),
  sender: z.string(),
  /** Extension: true when the message mentions the receiving user (counts towards the mention badge). */
  mention: z.boolean().optional(),
});
/**
 * Extension: a member of the room changed their display name (null: back to the username).
 * Sent to the sockets that joined a room the user belongs to, and to the user's own sockets.
 */
export const ProfileFrame = z.object({
  type: z.literal("profile"),
  room: z.string().optional(),
  user: z.object({ id: z.string(), username: z.string(), display_name: z.string().nullable() }),
});
/**
 * Extension: a moderator pinned (or unpinned) a message of the room; GET /api/rooms/:id/pins
 * lists what is pinned. `by`: who did it.
 */
export const PinnedFrame = z.object({
  type: z.literal("pinned"),
  room: z.string(),
  message: z.string(),
  pinned: z.boolean(),
  by: z.string().optional(),
  at: z.string().optional(),
});
/**
 * Extension: the next piece of a streaming message's text. `index` counts from 0 per message,
 * gap-free; `text` is appended to the content the socket has (which covers every index below
 * the first delta it is sent). `seq` is the message's seq (SSE ids are `<seq>.<index>`).
 */
export const DeltaFrame = z.object({
  type: z.literal("delta"),
  room: z.string(),
  message: z.string(),
  seq: z.number().int(),
  index: z.number().int().nonnegative(),
  text: z.string(),
});
export const PongFrame = z.object({ type: z.literal("pong"), ref: z.string().optional(), ts: z.number() });
export const ErrorFrame = z.object({
  type: z.literal("error"),
  ref: z.string().optional(),
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  retryable: z.boolean(),
  field: z.string().optional(),
  retry_after_ms: z.number().int().optional(),
  // A reason added by a newer server reads as absent, so the error itself still arrives: the
  // code says what to do, the reason only refines it.
  reason: z
    .enum(Object.values(ErrorReason) as [ErrorReason, ...ErrorReason[]])
    .optional()
    .catch(undefined),
});

export const ServerFrame = z.discriminatedUnion("type", [
  ReadyFrame,
  JoinedFrame,
  LeftFrame,
  MessageFrame,
  AckFrame,
  GapFrame,
  MemberFrame,
  PongFrame,
  ErrorFrame,
  MessageUpdatedFrame,
  MessageDeletedFrame,
  TypingUsersFrame,
  ReceiptFrame,
  ReactionFrame,
  UserPresenceFrame,
  RoomUpdatedFrame,
  RoomAddedFrame,
  UnreadFrame,
  RoomActivityFrame,
  ProfileFrame,
  PinnedFrame,
  DeltaFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

/** Parses a raw client frame; the error names the first offending field. */
export function parseClientFrame(
  raw: string,
): { ok: true; frame: ClientFrame } | { ok: false; message: string; field?: string; ref?: string } {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, message: "frame is not valid JSON" };
  }
  return validateClientFrame(data);
}

/** Validates an already decoded client frame (a JSON text frame, or a MessagePack binary one). */
export function validateClientFrame(data: unknown): { ok: true; frame: ClientFrame } | { ok: false; message: string; field?: string; ref?: string } {
  const ref = typeof data === "object" && data !== null && "id" in data && typeof data.id === "string" ? data.id : undefined;
  const result = ClientFrame.safeParse(data);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const field = issue?.path.join(".") || undefined;
  return { ok: false, message: field ? `${field}: ${issue?.message}` : (issue?.message ?? "invalid frame"), field, ref };
}

/** Parses a raw server frame on the client; unknown frames are ignored rather than trusted. */
export function parseServerFrame(raw: string): ServerFrame | null {
  try {
    const result = ServerFrame.safeParse(JSON.parse(raw));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
