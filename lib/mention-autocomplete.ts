/**
 * The composer's `@` autocomplete, without React: which token the caret is in, which members
 * match it, and the text after picking one. Unit-tested in tests/unit/mention-autocomplete.test.ts.
 */
import { HERE_MENTION, ROOM_MENTION } from "@/protocol/mentions";

export interface ActiveMention {
  /** Index of the `@`. */
  start: number;
  /** What was typed after it, up to the caret. */
  query: string;
}

const NAME_CHAR = /[a-zA-Z0-9_.-]/;
/** What may come right before an `@` that starts a mention (protocol/mentions.ts MENTION_PATTERN). */
const BOUNDARY = /[^\p{L}\p{N}_.@-]/u;

/** The mention being typed at `caret`, or null when the caret is not in one. */
export function activeMention(value: string, caret: number): ActiveMention | null {
  let i = caret;
  while (i > 0 && NAME_CHAR.test(value[i - 1]!)) i--;
  if (i === 0 || value[i - 1] !== "@") return null;
  const at = i - 1;
  if (at > 0 && !BOUNDARY.test(value[at - 1]!)) return null;
  const query = value.slice(i, caret);
  return query.length > 32 ? null : { start: at, query };
}

export type MentionOption =
  | { kind: "user"; id: string; username: string; displayName?: string | null }
  | { kind: "here" | "room"; username: typeof HERE_MENTION | typeof ROOM_MENTION; description: string };

export interface CandidateMember {
  id: string;
  username: string;
  display_name?: string | null;
}

/**
 * Options for `query`: members whose username or display name starts with it first, then those
 * containing it, then `@here` and (when allowed) `@room`; never the viewer; at most `limit`.
 */
export function mentionOptions(
  members: readonly CandidateMember[],
  query: string,
  { meId, canMentionRoom, limit = 8 }: { meId?: string; canMentionRoom: boolean; limit?: number },
): MentionOption[] {
  const q = query.toLowerCase();
  const starts: MentionOption[] = [];
  const contains: MentionOption[] = [];
  for (const m of members) {
    if (m.id === meId) continue;
    const names = [m.username.toLowerCase(), (m.display_name ?? "").toLowerCase()];
    const option: MentionOption = { kind: "user", id: m.id, username: m.username, displayName: m.display_name ?? null };
    if (names.some((n) => n.startsWith(q))) starts.push(option);
    else if (q && names.some((n) => n.includes(q))) contains.push(option);
  }
  const byName = (a: MentionOption, b: MentionOption) => a.username.localeCompare(b.username);
  const specials: MentionOption[] = [];
  if (HERE_MENTION.startsWith(q)) specials.push({ kind: "here", username: HERE_MENTION, description: "Notify everyone online" });
  if (canMentionRoom && ROOM_MENTION.startsWith(q)) specials.push({ kind: "room", username: ROOM_MENTION, description: "Notify everyone in this room" });
  return [...starts.sort(byName), ...contains.sort(byName), ...specials].slice(0, limit);
}

/** The text after picking `username` for the mention at `active`, and where the caret goes. */
export function applyMention(value: string, caret: number, active: ActiveMention, username: string): { value: string; caret: number } {
  const rest = value.slice(caret);
  const insert = `@${username}${rest.startsWith(" ") ? "" : " "}`;
  const next = value.slice(0, active.start) + insert + rest;
  return { value: next, caret: active.start + insert.length + (rest.startsWith(" ") ? 1 : 0) };
}
