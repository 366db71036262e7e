/**
 * The message column as a flat list of rows for the virtualizer: day separators, the "new
 * messages" divider, stored messages, the "seen by" line and the viewer's pending messages, each
 * with a key that survives prepends (the virtualizer caches measured heights by key, and keeps
 * the row under the reader's eyes by key when older history is prepended).
 *
 * Pure: no React, no DOM, so the placement rules are unit-tested (tests/unit/message-list-model.test.ts).
 */
import type { PendingMessage } from "@/lib/chat-store";
import type { Message } from "@/protocol";

/** Messages from one sender within this window are grouped under one header. */
export const GROUP_WINDOW_MS = 5 * 60_000;
/** Within this distance of the bottom the reader is "at the bottom" and follows new messages. */
export const BOTTOM_SLACK_PX = 48;

export const DIVIDER_KEY = "new-messages-divider";
export const SEEN_BY_KEY = "seen-by";

export type ListItem =
  | { kind: "day"; key: string; iso: string }
  | { kind: "divider"; key: typeof DIVIDER_KEY }
  | { kind: "message"; key: string; message: Message; compact: boolean }
  | { kind: "seen-by"; key: typeof SEEN_BY_KEY }
  | { kind: "pending"; key: string; pending: PendingMessage };

/** The divider goes above the first message from someone else after the read cursor. */
export function dividerBeforeId(messages: readonly Message[], readCursor: number | null | undefined, meId: string | undefined): string | undefined {
  if (readCursor === null || readCursor === undefined) return undefined;
  return messages.find((m) => m.seq > readCursor && m.sender !== meId && m.kind !== "system")?.id;
}

/**
 * A message's local day and time, parsed once per message object: the rows are rebuilt on every
 * new message, and parsing 10,000 dates each time cost tens of milliseconds per send.
 */
const stamps = new WeakMap<Message, { day: string; at: number }>();
function stampOf(m: Message) {
  let stamp = stamps.get(m);
  if (!stamp) {
    const date = new Date(m.created_at);
    stamp = { day: date.toDateString(), at: date.getTime() };
    stamps.set(m, stamp);
  }
  return stamp;
}

/** Whether `m` continues `prev`'s group: same sender, same day, a moment later, neither a room event. */
export function continuesGroup(prev: Message | undefined, m: Message): boolean {
  if (!prev || prev.kind === "system" || prev.sender !== m.sender) return false;
  const [before, now] = [stampOf(prev), stampOf(m)];
  return before.day === now.day && now.at - before.at < GROUP_WINDOW_MS;
}

export interface BuildOptions {
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  /** The message the divider goes above (see `dividerBeforeId`). */
  dividerBefore: string | undefined;
  seenBy: boolean;
}

/** The rows in display order. A message right under the divider always shows its header. */
export function buildListItems({ messages, pending, dividerBefore, seenBy }: BuildOptions): ListItem[] {
  const items: ListItem[] = [];
  messages.forEach((m, i) => {
    const prev = messages[i - 1];
    if (!prev || stampOf(prev).day !== stampOf(m).day) items.push({ kind: "day", key: `day-${m.id}`, iso: m.created_at });
    if (m.id === dividerBefore) items.push({ kind: "divider", key: DIVIDER_KEY });
    items.push({ kind: "message", key: m.id, message: m, compact: m.id !== dividerBefore && continuesGroup(prev, m) });
  });
  if (seenBy) items.push({ kind: "seen-by", key: SEEN_BY_KEY });
  for (const p of pending) items.push({ kind: "pending", key: `pending-${p.id}`, pending: p });
  return items;
}

/** Row key → index, for scrolling to a message or the divider that may not be mounted. */
export function indexByKey(items: readonly ListItem[]): Map<string, number> {
  return new Map(items.map((item, i) => [item.key, i] as const));
}

/** A first guess at a row's height before it is measured (px); measured heights replace it. */
export function estimateSize(item: ListItem | undefined): number {
  switch (item?.kind) {
    case "day":
      return 37;
    case "divider":
      return 32;
    case "seen-by":
      return 20;
    case "message":
      if (item.message.kind === "system") return 28;
      return item.compact ? 28 : 56;
    default:
      return 56;
  }
}

/**
 * How many of the messages appended since the last render are news worth a "N new messages"
 * pill: room events (joins, kicks…) are not. `previousLastId` is the newest message before.
 */
export function newsSince(messages: readonly Message[], previousLastId: string | undefined): number {
  return appendedSince(messages, previousLastId).filter((m) => m.kind !== "system").length;
}

/** The messages after `previousLastId`, the newest one at the last render (all of them when there was none). */
export function appendedSince(messages: readonly Message[], previousLastId: string | undefined): readonly Message[] {
  if (messages.at(-1)?.id === previousLastId) return [];
  let from = previousLastId === undefined ? 0 : messages.findIndex((m) => m.id === previousLastId) + 1;
  // The previous newest message is gone (history replaced): nothing to count as appended.
  if (previousLastId !== undefined && from === 0) from = messages.length;
  return messages.slice(from);
}

/** How many new messages the screen-reader announcer reads out at most, the latest ones. */
export const ANNOUNCE_MAX = 3;

/**
 * Of the messages just appended, the ones worth announcing: someone else's, readable, and new
 * since the room was opened (`openedAtSeq`: unread caught up on opening is not news).
 */
export function announceable(appended: readonly Message[], meId: string | undefined, openedAtSeq: number | null | undefined): readonly Message[] {
  return appended
    .filter((m) => m.kind !== "system" && m.sender !== meId && !m.deleted && !m.blocked && m.seq > (openedAtSeq ?? 0))
    .slice(-ANNOUNCE_MAX);
}

/** Scroll geometry → whether the reader is at the bottom (and so follows new messages). */
export function isAtBottom({ scrollHeight, scrollTop, clientHeight }: { scrollHeight: number; scrollTop: number; clientHeight: number }): boolean {
  return scrollHeight - scrollTop - clientHeight <= BOTTOM_SLACK_PX;
}

/**
 * Whether scrolling row `start` to the top of the view leaves the reader at the bottom: the rows
 * from there down fit on one screen. Used when landing on the first unread message.
 */
export function landsAtBottom(start: number, totalSize: number, viewport: number): boolean {
  return totalSize - start - viewport <= BOTTOM_SLACK_PX;
}

/** Whether a row spanning [start, end) is entirely outside the viewport [top, top + height). */
export function outOfView(start: number, end: number, top: number, height: number): boolean {
  return end <= top || start >= top + height;
}
