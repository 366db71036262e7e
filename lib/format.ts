/** Display helpers shared by the message list and the sidebar. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "short", day: "numeric" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export const formatTime = (iso: string) => timeFormat.format(new Date(iso));
export const formatFull = (iso: string) => fullFormat.format(new Date(iso));

/** "Today", "Yesterday" or a weekday and date, for day separators. */
export function formatDay(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(date)) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return dayFormat.format(date);
}

export const sameDay = (a: string, b: string) => new Date(a).toDateString() === new Date(b).toDateString();

/** A stable hue for a user's avatar and name colour. */
export function userHue(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

export const initials = (name: string) => name.replace(/[^a-zA-Z0-9]/g, "").slice(0, 2).toUpperCase() || "?";

/** "just now", "5 min ago", "3 h ago", "2 days ago" (for "last seen"). */
export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? "" : "s"} ago`;
}

/** The other person's name in a direct room ("alice, bob" seen by alice is "bob"). */
export function directRoomName(name: string, me: string | undefined, members?: readonly { id: string; username: string }[] | null, meId?: string): string {
  // A group conversation is named after everyone else in it.
  const others = members?.filter((m) => m.id !== meId) ?? [];
  if (others.length > 0) return others.map((m) => m.username).join(", ");
  const parts = name.split(", ");
  if (parts.length > 2 && me) return parts.filter((p) => p !== me).join(", ");
  return parts.length === 2 && me ? (parts[0] === me ? parts[1]! : parts[0]!) : name;
}

/**
 * A message in one line (reply quotes, pins, notifications): its text, or what it carries when
 * it has none (a voice note, files).
 */
export function messageSummary(m: { content: string; kind?: string; attachments?: readonly { name: string }[] }): string {
  const files = m.attachments ?? [];
  if (m.content.trim() !== "" || files.length === 0) return m.content;
  if (m.kind === "voice") return "🎤 Voice message";
  const [first] = files;
  return files.length === 1 ? `📎 ${first!.name}` : `📎 ${first!.name} and ${files.length - 1} more`;
}
