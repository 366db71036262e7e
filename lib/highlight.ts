/**
 * Search highlights arrive as escaped text with `<mark>…</mark>` around matches (the server
 * escapes the content before adding them). They are never given to the DOM as HTML: they are
 * split into text runs here and React renders each run as text.
 */
export type HighlightPart = { text: string; mark: boolean };

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const unescape = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

export function parseHighlight(highlight: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let mark = false;
  for (const token of highlight.split(/(<\/?mark>)/)) {
    if (token === "<mark>") mark = true;
    else if (token === "</mark>") mark = false;
    else if (token) parts.push({ text: unescape(token), mark });
  }
  return parts;
}

/** Where a search result (or a pin) opens its room: at that message, history loaded around it. */
export const messageHref = (room: string, message: { id: string; seq: number }) =>
  `/rooms/${encodeURIComponent(room)}?message=${encodeURIComponent(message.id)}&seq=${message.seq}`;
