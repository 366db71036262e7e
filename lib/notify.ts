/**
 * Desktop notifications and the tab title: the pure decisions (which message notifies, what the
 * title says), kept apart from the browser APIs so they are unit-tested
 * (tests/unit/notify.test.ts). The browser side is lib/notify-browser.ts.
 */
import type { RoomSummary } from "@/protocol/rest";

export type NotificationLevel = NonNullable<RoomSummary["notifications"]>;

/** One new message as the tab learnt of it (a joined room's `message` or a watched room's `room_activity`). */
export interface Incoming {
  room: string;
  seq: number;
  sender: string;
  /** The message mentions the user. */
  mention: boolean;
  /** System lines (joins, moderation) never notify. */
  system: boolean;
}

export interface NotifyContext {
  me: string;
  /** The user's level for the room; unknown rooms use the conservative `mentions`. */
  level: NotificationLevel | undefined;
  /** The user's own status: do-not-disturb silences desktop notifications. */
  status: string | undefined;
  /** Some tab of this user is visible (they are looking at Confab). */
  anyTabVisible: boolean;
  /** Notification.permission */
  permission: NotificationPermission | "unsupported";
}

/** Whether `message` deserves a desktop notification. */
export function shouldNotify(message: Incoming, ctx: NotifyContext): boolean {
  if (ctx.permission !== "granted" || ctx.anyTabVisible) return false;
  if (message.system || message.sender === ctx.me) return false;
  if (ctx.status === "dnd") return false;
  const level = ctx.level ?? "mentions";
  if (level === "none") return false;
  return level === "all" || message.mention;
}

/** The key under which tabs agree that a message was handled (notified or deliberately not). */
export const notificationKey = (m: Pick<Incoming, "room" | "seq">) => `${m.room}:${m.seq}`;

/** Total unread over the user's rooms (each room counted once, as the sidebar shows it). */
export function totalUnread(rooms: ReadonlyArray<Pick<RoomSummary, "id" | "unread">>, activeRoom: string | null): number {
  let total = 0;
  for (const room of rooms) if (room.id !== activeRoom) total += room.unread ?? 0;
  return total;
}

/** The `shell` namespace's keys for notifications and the tab title. */
export type NotifyKey = "tab.room" | "tab.unread" | "notifications.someone" | "notifications.mentioned" | "notifications.message" | "notifications.newMessage";
/** The `shell` namespace's translator (next-intl's `t` fits); tests pass one made by `createTranslator`. */
export type NotifyText = (key: NotifyKey, values?: Record<string, string | number>) => string;

/** `(3) #general · Confab`, `#general · Confab`, `(3) Confab` or `Confab`. */
export function tabTitle(unread: number, roomLabel: string | null, t: NotifyText): string {
  const base = roomLabel ? t("tab.room", { room: roomLabel }) : "Confab";
  return unread > 0 ? t("tab.unread", { count: unread > 999 ? "999+" : String(unread), title: base }) : base;
}

/** What a notification says: who and where, and the text when the tab has it. */
export function notificationText(
  input: { roomLabel: string; senderName: string | null; content: string | null; mention: boolean },
  t: NotifyText,
): { title: string; body: string } {
  const values = { who: input.senderName ?? t("notifications.someone"), room: input.roomLabel };
  const title = input.mention ? t("notifications.mentioned", values) : t("notifications.message", values);
  const body = input.content === null ? t("notifications.newMessage") : input.content.length > 200 ? `${input.content.slice(0, 199)}…` : input.content;
  return { title, body };
}
