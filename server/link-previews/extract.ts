/** The longest URL a preview is made for; longer links are left alone. */
const MAX_URL_CHARS = 2048;

/** A run of characters that can be part of a URL written in chat (no spaces, quotes or brackets that close markup). */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/**
 * Trailing characters people type after a link rather than as part of it: sentence
 * punctuation, and a closing bracket whose opener is not inside the link (markdown's
 * `[x](https://…)`, or a link in parentheses).
 */
function trimTrailing(candidate: string): string {
  let url = candidate;
  for (;;) {
    const last = url.at(-1);
    if (last && ".,;:!?*_~".includes(last)) url = url.slice(0, -1);
    else if (last === ")" && count(url, "(") < count(url, ")")) url = url.slice(0, -1);
    else if (last === "]" && count(url, "[") < count(url, "]")) url = url.slice(0, -1);
    else return url;
  }
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

/**
 * The first http(s) link in a message, normalized (WHATWG URL), or null. Links carrying
 * credentials (`user:pass@host`) are skipped: fetching them would replay someone's password.
 */
export function firstLink(content: string): string | null {
  for (const match of content.matchAll(CANDIDATE)) {
    const raw = trimTrailing(match[0]);
    if (raw.length > MAX_URL_CHARS || !URL.canParse(raw)) continue;
    const url = new URL(raw);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || !url.hostname) continue;
    url.hash = "";
    return url.href;
  }
  return null;
}
