/**
 * Link previews (docs/link-previews.md): a stored text message's first http(s) link is fetched
 * by a background job, and what it found is attached to the message, which the room gets as
 * `message_updated`. The sender may remove it for good. Deleted messages never get one; a
 * blocked sender's preview is masked with the rest of their message (wire.ts).
 */
import type { Database } from "@/db/client";
import { attachPreview, clearPreview, getCachedPreview, isPreviewRemoved, putCachedPreview, type CachedPreview } from "@/db/queries/link-previews";
import { getMessageById, type MessageRow } from "@/db/queries/messages";
import { getReactions } from "@/db/queries/reactions";
import type { Message } from "@/protocol";
import { publishFrame, type Bus } from "@/server/bus";
import type { Config } from "@/server/config";
import { AppError } from "@/server/errors";
import type { JobQueue } from "@/server/jobs/types";
import { firstLink } from "@/server/link-previews/extract";
import { fetchPage, PreviewRefusal } from "@/server/link-previews/fetch";
import { parsePreview } from "@/server/link-previews/parse";
import type { Logger } from "@/server/log";
import { assertNotArchived } from "./permissions";
import { loadRoom } from "./rooms";
import { isVisibleInRoom, toWireMessage } from "./wire";

export const LINK_PREVIEW_JOB = "link-preview";

type PreviewConfig = Pick<Config, "LINK_PREVIEWS" | "LINK_PREVIEW_ALLOW_HOSTS" | "LINK_PREVIEW_CACHE_TTL_MS">;
export type PreviewDeps = { db: Database; bus: Bus; log: Logger; jobs: JobQueue; config: PreviewConfig };

/** A failed fetch is retried after this long at most (a site that was down comes back). */
const FAILURE_TTL_MS = 3_600_000;

const audienceOf = (row: MessageRow) => (row.recipientId ? { only: [row.senderId, row.recipientId] } : {});

/** Queues a preview of the message's first link, if it has one and previews are on. Never throws. */
export function queuePreview({ jobs, log, config }: Pick<PreviewDeps, "jobs" | "log" | "config">, message: Pick<Message, "id" | "kind" | "content" | "deleted">): void {
  if (!config.LINK_PREVIEWS || message.kind !== "text" || message.deleted) return;
  const url = firstLink(message.content);
  if (!url) return;
  jobs.send(LINK_PREVIEW_JOB, { messageId: message.id, url }).catch((err: unknown) => log.warn({ err, message: message.id }, "link preview: could not queue"));
}

/**
 * After an edit: a preview of the same first link stays; one of a link that is gone is
 * dropped. Returns the row as it now stands; the caller queues the new link once it has
 * published the edit (queuePreview), also for the same link when no preview was attached yet:
 * a job already queued saw other content and will not attach, and the cache makes a rerun cheap.
 */
export async function previewAfterEdit({ db }: Pick<PreviewDeps, "db">, row: MessageRow): Promise<MessageRow> {
  if (!row.preview || row.preview.url === firstLink(row.content)) return row;
  await clearPreview(db, { id: row.id, removed: false });
  return { ...row, preview: null };
}

/** The sender removes their message's preview; none is attached to it again. Others get `message_updated`. */
export async function removePreview({ db, bus }: Pick<PreviewDeps, "db" | "bus">, actor: { id: string }, input: { roomId: string; messageId: string }): Promise<Message> {
  const { room } = await loadRoom(db, input.roomId, actor.id);
  const row = await getMessageById(db, { id: input.messageId });
  if (!isVisibleInRoom(row, room.id, actor.id) || row.deletedAt) throw new AppError("NOT_FOUND", "message: no such message in this room", { field: "message" });
  if (row.senderId !== actor.id) throw new AppError("FORBIDDEN", "only the sender can remove a link preview");
  assertNotArchived(room);
  await clearPreview(db, { id: row.id, removed: true });
  const wire = await wireOf(db, { ...row, preview: null });
  if (row.preview) await publishFrame(bus, row.roomId, { type: "message_updated", room: row.roomId, message: wire }, audienceOf(row));
  return wire;
}

async function wireOf(db: Database, row: MessageRow): Promise<Message> {
  return toWireMessage(row, (await getReactions(db, { messageIds: [row.id] })).get(row.id));
}

type Outcome = { ok: true; preview: CachedPreview } | { ok: false; reason: string };

/**
 * The job's work: fetch (or reuse the cached fetch of) the URL and attach the preview while
 * the message still links there. Refusals are outcomes, cached and logged, not job failures:
 * retrying a refused address would only knock on it again.
 */
export function createPreviewRunner(deps: PreviewDeps) {
  /** Concurrent jobs for one URL in this process share one fetch. */
  const inFlight = new Map<string, Promise<Outcome>>();

  const fresh = (cached: CachedPreview | null) => {
    if (!cached) return false;
    const ttl = cached.error ? Math.min(FAILURE_TTL_MS, deps.config.LINK_PREVIEW_CACHE_TTL_MS) : deps.config.LINK_PREVIEW_CACHE_TTL_MS;
    return Date.now() - cached.fetchedAt.getTime() < ttl;
  };

  const fetchAndCache = async (url: string): Promise<Outcome> => {
    let entry: { title: string | null; description: string | null; siteName: string | null; error: string | null };
    try {
      const page = await fetchPage(url, { allow: deps.config.LINK_PREVIEW_ALLOW_HOSTS });
      const parsed = parsePreview(page.html);
      entry = parsed
        ? { title: parsed.title, description: parsed.description ?? null, siteName: parsed.site_name ?? null, error: null }
        : { title: null, description: null, siteName: null, error: "no_title" };
    } catch (err) {
      if (!(err instanceof PreviewRefusal)) throw err;
      entry = { title: null, description: null, siteName: null, error: err.reason };
      deps.log.info({ host: new URL(url).host, reason: err.reason, detail: err.message }, "link preview: refused");
    }
    await putCachedPreview(deps.db, { url, ...entry });
    const preview = await getCachedPreview(deps.db, { url });
    return preview && !preview.error ? { ok: true, preview } : { ok: false, reason: entry.error ?? "no_title" };
  };

  const outcomeFor = async (url: string): Promise<{ outcome: Outcome; cached: boolean }> => {
    const cached = await getCachedPreview(deps.db, { url });
    if (cached && fresh(cached)) return { outcome: cached.error ? { ok: false, reason: cached.error } : { ok: true, preview: cached }, cached: true };
    let pending = inFlight.get(url);
    if (!pending) {
      pending = fetchAndCache(url).finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    return { outcome: await pending, cached: false };
  };

  return async function run({ messageId, url }: { messageId: string; url: string }): Promise<void> {
    const row = await getMessageById(deps.db, { id: messageId });
    const host = new URL(url).host;
    // Deleted, edited to another link, or gone: nothing to preview (an edit queued its own job).
    if (!row || row.deletedAt || row.kind !== "text" || firstLink(row.content) !== url) {
      deps.log.info({ message: messageId, host, outcome: "skipped" }, "link preview");
      return;
    }
    if (await isPreviewRemoved(deps.db, { id: messageId })) {
      deps.log.info({ message: messageId, host, outcome: "removed" }, "link preview");
      return;
    }
    const { outcome, cached } = await outcomeFor(url);
    const logged = { message: messageId, host, cached };
    if (!outcome.ok) {
      deps.log.info({ ...logged, outcome: outcome.reason }, "link preview");
      return;
    }
    const { title, description, siteName } = outcome.preview;
    const preview = { url, title: title!, ...(description ? { description } : {}), ...(siteName ? { site_name: siteName } : {}) };
    const attached = await attachPreview(deps.db, { id: row.id, content: row.content, preview });
    deps.log.info({ ...logged, outcome: attached ? "ok" : "stale" }, "link preview");
    if (!attached) return;
    const wire = await wireOf(deps.db, { ...row, preview });
    await publishFrame(deps.bus, row.roomId, { type: "message_updated", room: row.roomId, message: wire }, audienceOf(row));
  };
}
