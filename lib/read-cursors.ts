/**
 * The highest seq this browser has shown the user, per room, kept in localStorage. The wire
 * contract's `read` frame is not in protocol v1's schemas yet, so the server's unread count
 * never drops; this cursor caps it locally so a room the user has looked at reads as read.
 */
const KEY = "confab.read-cursors.v1";

function load(): Record<string, number> {
  try {
    const raw = window.localStorage.getItem(KEY);
    const data: unknown = raw ? JSON.parse(raw) : {};
    return data && typeof data === "object" ? (data as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export function getReadCursor(room: string): number | undefined {
  if (typeof window === "undefined") return undefined;
  const value = load()[room];
  return typeof value === "number" ? value : undefined;
}

export function setReadCursor(room: string, seq: number): void {
  if (typeof window === "undefined") return;
  const cursors = load();
  if ((cursors[room] ?? -1) >= seq) return;
  cursors[room] = seq;
  try {
    window.localStorage.setItem(KEY, JSON.stringify(cursors));
  } catch {
    // Storage full or disabled: unread counts just stay as the server reports them.
  }
}

/** The unread count to show: the server's, capped by what this browser has already shown. */
export function displayUnread(room: { id: string; unread?: number; last_seq: number }): number {
  const unread = room.unread ?? 0;
  const cursor = getReadCursor(room.id);
  if (cursor === undefined) return unread;
  return Math.max(0, Math.min(unread, room.last_seq - cursor));
}
