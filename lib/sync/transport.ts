/**
 * What the sync engine needs from a connection: frames out while a session is authenticated,
 * frames in, and the session's start and end. Two implementations: a socket owned by this tab
 * (socket-transport.ts) and a socket shared by every tab of the browser (shared-transport.ts),
 * which the engine cannot tell apart.
 */
import type { ClientFrame, ServerFrame, ServerFrameOf } from "@/protocol";

export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline";

export interface TransportEvents {
  /** A new authenticated session: nothing joined or watched on it yet. */
  ready(frame: ServerFrameOf<"ready">): void;
  frame(frame: ServerFrame): void;
  /** The session ended (`code` is the socket's close code, 0 when unknown). */
  closed(code: number): void;
  /** `retryAt`: when the next connection attempt starts (ms since the epoch), while waiting for one. */
  status(status: ConnectionStatus, retryAt?: number | null): void;
}

export interface Transport {
  start(events: TransportEvents): void;
  /** Ends the session for good (unmount); start() may open a new one. */
  stop(): void;
  /** Writes a frame if a session is ready; returns false (sending nothing) otherwise. */
  send(frame: ClientFrame): boolean;
  /** The connection banner's "Retry now": skips the rest of the backoff wait. */
  reconnectNow(): void;
  /** Drops the session and starts a new one on the backoff schedule (after an INTERNAL error). */
  restart(reason: string): void;
}
