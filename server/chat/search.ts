/**
 * Full-text search over the messages a user may read now (GET /api/search). The read rule is
 * history's; see db/queries/search.ts for how it is applied in one query.
 */
import type { Database } from "@/db/client";
import { getMessagePosition, searchMessages, type SearchCursor } from "@/db/queries/search";
import type { SearchQuery, SearchResult } from "@/protocol/rest";
import { AppError } from "@/server/errors";
import type { Limits } from "@/server/limits";
import { forViewer } from "./messages";
import { assertCanRead } from "./permissions";
import { loadRoom } from "./rooms";

type Deps = { db: Database; limits: Limits };
type Actor = { id: string; username: string };

/** More words than anyone types into a search box; each one costs an index probe. */
export const MAX_SEARCH_TERMS = 8;
/** Longer "words" are pasted noise (hashes, base64); Postgres refuses lexemes over 2 KB anyway. */
const MAX_TERM_LENGTH = 64;

/**
 * The tsquery for free text: its words (letters, marks and digits; everything else, tsquery
 * operators included, separates words), lower-cased, each a prefix (`deplo` finds `deploy`),
 * all required. Each word is quoted as a tsquery literal and holds no quote, backslash or
 * operator, so user text can never change the query's structure. Null when no word is left.
 */
export function buildTsQuery(text: string): string | null {
  const words = text.normalize("NFC").toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const terms = [...new Set(words.map((w) => w.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_SEARCH_TERMS);
  if (terms.length === 0) return null;
  return terms.map((t) => `'${t}':*`).join(" & ");
}

export async function searchForUser({ db, limits }: Deps, actor: Actor, query: SearchQuery): Promise<SearchResult[]> {
  await limits.consume("search", actor.id);
  if (query.room) {
    // A room the caller cannot read is refused as history refuses it, not answered empty.
    const { room, membership, banned } = await loadRoom(db, query.room, actor.id);
    assertCanRead(room, membership, banned);
  }
  const tsquery = buildTsQuery(query.q);
  if (!tsquery) return [];
  let before: SearchCursor | undefined;
  if (typeof query.before === "string") {
    const position = await getMessagePosition(db, { id: query.before });
    if (!position) throw new AppError("NOT_FOUND", "before: no such message", { field: "before" });
    before = position;
  } else if (query.before) {
    before = { createdAt: query.before };
  }
  const rows = await searchMessages(db, { viewerId: actor.id, tsquery, roomId: query.room, senderId: query.from, before, limit: query.limit });
  const wire = await forViewer(db, actor.id, rows);
  return rows.map((row, i) => {
    const message = wire[i]!;
    return {
      message,
      room: { id: row.roomId, name: row.roomName, visibility: row.roomVisibility },
      // A blocked sender's words stay hidden here too, exactly as history masks them.
      highlight: message.blocked ? "" : row.highlight,
    };
  });
}
