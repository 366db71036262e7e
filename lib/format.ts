/**
 * Display helpers shared by the message list and the sidebar. Text in the reader's language comes
 * in as a translator (`useTranslations("format")`, or hooks/useFormatText.ts), so these stay
 * pure and unit-testable.
 */
import type { formats } from "@/i18n/formats";

/** The keys of the `format` namespace these helpers say things with. */
export type FormatKey = "today" | "yesterday" | "ago.now" | "ago.minutes" | "ago.hours" | "ago.days" | "summary.voice" | "summary.file" | "summary.files";
/** The `format` namespace's translator (next-intl's `t` fits). */
export type FormatText = (key: FormatKey, values?: Record<string, string | number>) => string;
/** The part of next-intl's formatter that names days in the reader's language. */
export interface DayFormatter {
  dateTime(value: Date, format: keyof (typeof formats)["dateTime"]): string;
}

/** "Today", "Yesterday" or a weekday and date, for day separators. */
export function formatDay(iso: string, t: FormatText, format: DayFormatter, now = new Date()): string {
  const date = new Date(iso);
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(date)) / 86_400_000);
  if (days === 0) return t("today");
  if (days === 1) return t("yesterday");
  return format.dateTime(date, "day");
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
export function formatAgo(iso: string, t: FormatText, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return t("ago.now");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t("ago.minutes", { count: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 24) return t("ago.hours", { count: hours });
  return t("ago.days", { count: Math.round(hours / 24) });
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
export function messageSummary(m: { content: string; kind?: string; attachments?: readonly { name: string }[] }, t: FormatText): string {
  const files = m.attachments ?? [];
  if (m.content.trim() !== "" || files.length === 0) return m.content;
  if (m.kind === "voice") return t("summary.voice");
  const [first] = files;
  return files.length === 1 ? t("summary.file", { name: first!.name }) : t("summary.files", { name: first!.name, count: files.length - 1 });
}
