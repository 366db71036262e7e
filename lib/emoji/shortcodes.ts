/**
 * `:shortcode:` → emoji, from the Emojibase data shipped in `emojibase-data` (served by the app
 * itself, see app/emojibase): no network beyond our own origin.
 */

/** Shortcode (without colons) → emoji. */
export type ShortcodeMap = Readonly<Record<string, string>>;

/** One set of shortcodes as Emojibase ships it: hexcode → one shortcode or several. */
export type ShortcodeSet = Readonly<Record<string, string | readonly string[]>>;

/**
 * The form of an emoji people type and the quick reactions use: a character that is shown as
 * emoji by default loses a redundant VS16 (Emojibase writes 👍 as U+1F44D U+FE0F), so the same
 * reaction from the picker and from the quick bar is one reaction, not two.
 */
export function normalizeEmoji(emoji: string): string {
  return emoji.replace(/^(\p{Emoji_Presentation})\uFE0F$/u, "$1");
}

/**
 * Merges shortcode sets into one map. Earlier sets win a shortcode both define, so the familiar
 * GitHub/Slack names (`:+1:`, `:tada:`) come first and Emojibase's own fill the gaps.
 */
export function buildShortcodeMap(emojis: readonly { hexcode: string; emoji: string }[], ...sets: readonly ShortcodeSet[]): Record<string, string> {
  const byHexcode = new Map(emojis.map((e) => [e.hexcode, normalizeEmoji(e.emoji)] as const));
  const map: Record<string, string> = {};
  for (const set of sets) {
    for (const [hexcode, codes] of Object.entries(set)) {
      const emoji = byHexcode.get(hexcode);
      if (!emoji) continue;
      for (const code of typeof codes === "string" ? [codes] : codes) if (!(code in map)) map[code] = emoji;
    }
  }
  return map;
}

/**
 * A shortcode just closed at the end of the text before the caret: `:name:` at the start or
 * after a space or opening punctuation (so `12:30:` or `a:b:` stay as typed).
 */
const CLOSED_SHORTCODE = /(^|[\s([{"'])(:([a-z0-9_+-]{1,64}):)$/;

/**
 * Replaces the `:shortcode:` the user just finished typing (ending at the caret) with its emoji.
 * Returns null when there is nothing to convert: unknown names and text inside inline code
 * (an odd number of backticks before it) are left alone.
 */
export function convertShortcodeAtCaret(value: string, caret: number, map: ShortcodeMap): { value: string; caret: number } | null {
  const before = value.slice(0, caret);
  const match = CLOSED_SHORTCODE.exec(before);
  if (!match) return null;
  const emoji = Object.hasOwn(map, match[3]!) ? map[match[3]!] : undefined;
  if (!emoji) return null;
  const start = before.length - match[2]!.length;
  if ((before.slice(0, start).match(/`/g)?.length ?? 0) % 2 === 1) return null;
  return { value: value.slice(0, start) + emoji + value.slice(caret), caret: start + emoji.length };
}

/** Inserts text at a selection (replacing it), returning the new value and caret. */
export function insertAt(value: string, start: number, end: number, text: string): { value: string; caret: number } {
  return { value: value.slice(0, start) + text + value.slice(end), caret: start + text.length };
}
