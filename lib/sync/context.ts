/**
 * What the parts of the sync engine (rooms, outbox, receipts, presence) share: the store they
 * write, the history API they read, and the current session's way out.
 */
import type { ClientFrame, Message } from "@/protocol";
import { api, ApiError, sentence } from "../api";
import type { ChatStore } from "../chat-store";

/** The REST reads the engine makes (the real `api` in the browser, a fake in unit tests). */
export interface HistoryApi {
  listMessages(room: string, page: { before?: number; after?: number; limit?: number }): Promise<{ messages: Message[] }>;
  getMessage(room: string, id: string): Promise<{ message: Message }>;
}

export const restHistory: HistoryApi = {
  listMessages: (room, page) => api.listMessages(room, page),
  getMessage: (room, id) => api.getMessage(room, id),
};

/** "My rooms" as the engine keeps it current (lib/room-directory.ts). */
export interface DirectoryPort {
  applySummary(rows: ReadonlyArray<{ room: string; last_seq: number; unread: number; mentions?: number }>): void;
  /** `mention`: the message mentions the user (counts towards the mention badge). */
  noteMessage(room: string, seq: number, mine: boolean, mention?: boolean): void;
  markRead(room: string, seq: number): void;
  remove(room: string): void;
  rename(room: string, patch: { name?: string; topic?: string; visibility?: "public" | "private" | "direct" }): void;
  refresh(): Promise<void>;
}

export interface SyncContext {
  readonly store: ChatStore;
  readonly history: HistoryApi;
  readonly directory: DirectoryPort | undefined;
  /** Writes a frame on the current session; false (nothing sent) when there is none. */
  transmit(frame: ClientFrame): boolean;
  isReady(): boolean;
  /** Marks a best-effort frame's id: an error answering it is not worth a notice. */
  quiet(id: string): void;
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return sentence(err.message);
  return err instanceof Error ? err.message : String(err);
}
