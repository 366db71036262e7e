/**
 * The outbox's copy in sessionStorage: unacknowledged sends survive a reload of the tab (and
 * only of this tab: sessionStorage is per tab), so a message written while the connection was
 * down is still sent, with its original client id, once the socket is back. Entries are written
 * when queued and dropped when acknowledged or discarded.
 */
import { z } from "zod";
import { Attachment, MAX_ATTACHMENTS } from "@/protocol";
import type { PendingMessage } from "./chat-store";

const StoredAttachments = z.array(Attachment).max(MAX_ATTACHMENTS);

/** Entries older than this are not restored (the server's idempotency may have forgotten them). */
const MAX_AGE_MS = 24 * 3_600_000;
const MAX_ENTRIES = 200;

export interface OutboxStorage {
  load(): PendingMessage[];
  save(entries: readonly PendingMessage[]): void;
}

export function sessionOutbox(key: string): OutboxStorage | undefined {
  let storage: Storage;
  try {
    storage = window.sessionStorage;
  } catch {
    return undefined; // storage disabled: the outbox lives in memory only
  }
  return {
    load() {
      try {
        const raw = storage.getItem(key);
        if (!raw) return [];
        const parsed: unknown = JSON.parse(raw);
        if (!Array.isArray(parsed)) return [];
        const now = Date.now();
        return parsed.filter(isEntry).filter((e) => now - Date.parse(e.createdAt) < MAX_AGE_MS);
      } catch {
        return [];
      }
    },
    save(entries) {
      try {
        if (entries.length === 0) storage.removeItem(key);
        else
          storage.setItem(
            key,
            JSON.stringify(
              entries.slice(-MAX_ENTRIES).map(({ id, room, content, createdAt, state, error, replyTo, attachments, kind }) => ({ id, room, content, createdAt, state, error, replyTo, attachments, kind })),
            ),
          );
      } catch {
        // quota or privacy mode: keep going with the in-memory outbox
      }
    },
  };
}

function isEntry(value: unknown): value is PendingMessage {
  if (!value || typeof value !== "object") return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === "string" &&
    typeof e.room === "string" &&
    typeof e.content === "string" &&
    typeof e.createdAt === "string" &&
    (e.state === "sending" || e.state === "failed") &&
    (e.replyTo === undefined || typeof e.replyTo === "string") &&
    (e.error === undefined || typeof e.error === "string") &&
    (e.attachments === undefined || StoredAttachments.safeParse(e.attachments).success) &&
    (e.kind === undefined || e.kind === "image" || e.kind === "file" || e.kind === "voice")
  );
}
