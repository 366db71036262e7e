/**
 * The outbox's copy in sessionStorage: unacknowledged sends survive a reload of the tab (and
 * only of this tab: sessionStorage is per tab), so a message written while the connection was
 * down is still sent, with its original client id, once the socket is back. Entries are written
 * when queued and dropped when acknowledged or discarded.
 */
import { z } from "zod";
import { Attachment, ErrorReason, MAX_ATTACHMENTS } from "@/protocol";
import type { PendingMessage } from "./chat-store";

const StoredAttachments = z.array(Attachment).max(MAX_ATTACHMENTS);
const REASONS: readonly unknown[] = Object.values(ErrorReason);

/**
 * Every field of an entry is kept: a field added to PendingMessage fails to compile here until
 * it is listed (and checked in isEntry), so a reload never loses what the UI says about a send.
 */
const KEPT: Record<keyof PendingMessage, true> = {
  id: true,
  room: true,
  content: true,
  createdAt: true,
  state: true,
  error: true,
  errorCode: true,
  errorReason: true,
  errorAttempts: true,
  retryAt: true,
  replyTo: true,
  attachments: true,
  kind: true,
};
const STORED = Object.keys(KEPT) as (keyof PendingMessage)[];

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
              entries.slice(-MAX_ENTRIES).map((entry) => Object.fromEntries(STORED.map((field) => [field, entry[field]]))),
            ),
          );
      } catch {
        // quota or privacy mode: keep going with the in-memory outbox
      }
    },
  };
}

/** Entries stored before a field existed lack it: every field added later is optional here. */
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
    (e.errorCode === undefined || typeof e.errorCode === "string") &&
    (e.errorReason === undefined || REASONS.includes(e.errorReason)) &&
    (e.errorAttempts === undefined || (Number.isInteger(e.errorAttempts) && (e.errorAttempts as number) >= 0)) &&
    (e.retryAt === undefined || Number.isFinite(e.retryAt)) &&
    (e.attachments === undefined || StoredAttachments.safeParse(e.attachments).success) &&
    (e.kind === undefined || e.kind === "image" || e.kind === "file" || e.kind === "voice")
  );
}
