/**
 * Unsent composer text per user and room, in localStorage: it survives switching rooms,
 * reloads and restarts of the browser, and is cleared when the message is sent. Keyed by user
 * so people sharing a browser profile never see each other's drafts.
 */

/** Drafts untouched this long are dropped when next read. */
export const DRAFT_MAX_AGE_MS = 30 * 86_400_000;

export type DraftStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface Drafts {
  load(room: string): string;
  /** Saves the text; an empty (or blank) text removes the draft. */
  save(room: string, text: string): void;
}

export const draftKey = (user: string, room: string) => `confab:draft:${user}:${room}`;

export function drafts(storage: DraftStorage | undefined, user: string, now: () => number = Date.now): Drafts {
  return {
    load(room) {
      if (!storage) return "";
      try {
        const raw = storage.getItem(draftKey(user, room));
        if (!raw) return "";
        const parsed: unknown = JSON.parse(raw);
        if (!parsed || typeof parsed !== "object") return "";
        const { text, at } = parsed as { text?: unknown; at?: unknown };
        if (typeof text !== "string" || typeof at !== "number") return "";
        if (now() - at > DRAFT_MAX_AGE_MS) {
          storage.removeItem(draftKey(user, room));
          return "";
        }
        return text;
      } catch {
        return "";
      }
    },
    save(room, text) {
      if (!storage) return;
      try {
        if (text.trim() === "") storage.removeItem(draftKey(user, room));
        else storage.setItem(draftKey(user, room), JSON.stringify({ text, at: now() }));
      } catch {
        // quota or privacy mode: the draft lives only as long as the composer
      }
    },
  };
}

/** The browser's localStorage, or undefined where it is unavailable (server render, disabled). */
export function browserStorage(): DraftStorage | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}
