/**
 * Mention tokens in message content, shared by the server (which resolves them to user ids when
 * a message is stored) and the browser (autocomplete, highlight). Pure: no I/O.
 *
 * `@name` counts where it starts the content or follows a character that cannot be part of a
 * word or an e-mail address, so `bob@example.com` mentions nobody. Usernames may end in `.` or
 * `-`, but at the end of a sentence those are punctuation: both readings are offered and the
 * server keeps whichever names a member.
 */

/** Mentions everyone in the room (moderators and above, when the room allows it). */
export const ROOM_MENTION = "room";
/** Mentions the members online when the message is stored. */
export const HERE_MENTION = "here";

/** A mention as written: `@` plus a username's characters (protocol/rest.ts `Username`). */
export const MENTION_PATTERN = /(^|[^\p{L}\p{N}_.@-])@([a-zA-Z0-9_.-]{1,32})/gu;

export interface MentionTokens {
  /** Lower-cased usernames, with trailing `.`/`-` variants. */
  names: string[];
  here: boolean;
  room: boolean;
}

/** Most distinct names one message resolves; keeps the look-up bounded against spam. */
export const MAX_MENTION_NAMES = 50;

export function parseMentions(content: string): MentionTokens {
  const names = new Set<string>();
  let here = false;
  let room = false;
  for (const match of content.matchAll(MENTION_PATTERN)) {
    const raw = match[2]!.toLowerCase();
    const trimmed = raw.replace(/[.-]+$/, "");
    // The two keywords are never read as usernames, whoever registered them.
    if (trimmed === ROOM_MENTION) room = true;
    else if (trimmed === HERE_MENTION) here = true;
    if (trimmed === ROOM_MENTION || trimmed === HERE_MENTION) continue;
    for (const name of [raw, trimmed]) {
      if (name.length >= 3 && names.size < MAX_MENTION_NAMES) names.add(name);
    }
  }
  return { names: [...names], here, room };
}

export const hasMentionTokens = (t: MentionTokens) => t.here || t.room || t.names.length > 0;

/** Who reads a message, for deciding which of its mentions are theirs. */
export interface MentionViewer {
  username?: string;
  /** Whether the server resolved the message as mentioning the viewer (`message.mentions`). */
  mentioned?: boolean;
}

/**
 * Whether a mention span (`mentionSpans`' lower-cased `mention`) is the viewer's: their
 * username, or `@here`/`@room` in a message the server says mentions them (the server alone
 * knows who was online or whether `@room` was allowed, so the keywords go by its answer).
 */
export function isViewerMention(mention: string, viewer: MentionViewer): boolean {
  if (mention === HERE_MENTION || mention === ROOM_MENTION) return viewer.mentioned === true;
  return viewer.username !== undefined && mention === viewer.username.toLowerCase();
}

/**
 * Splits content into plain text and mention spans, for highlighting. `isMine` decides which
 * spans mention the viewer (their username, or @here/@room when the server resolved them).
 */
export function mentionSpans(content: string): Array<{ text: string; mention?: string }> {
  const out: Array<{ text: string; mention?: string }> = [];
  let last = 0;
  for (const match of content.matchAll(MENTION_PATTERN)) {
    const start = match.index + match[1]!.length;
    const name = match[2]!.replace(/[.-]+$/, "");
    if (start > last) out.push({ text: content.slice(last, start) });
    out.push({ text: `@${name}`, mention: name.toLowerCase() });
    last = start + 1 + name.length;
  }
  if (last < content.length) out.push({ text: content.slice(last) });
  return out;
}
