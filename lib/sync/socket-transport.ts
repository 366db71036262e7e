/**
 * A socket owned by this tab: partysocket reconnecting on the schedule in backoff.ts, a ping
 * that notices dead connections nobody closed, and the browser's online/offline events.
 *
 * Frames are written only while the socket is open and authenticated (`ready` received).
 * partysocket would queue sends made while closed and flush them on open; the engine's outbox
 * is the single source of retries, so that queue is drained unsent on every `ready`.
 */
import ReconnectingWebSocket from "partysocket/ws";
import { CloseCode, PROTOCOL_VERSION, parseServerFrame, type ClientFrame } from "@/protocol";
import { reconnectDelay, RECONNECT_EVERY_MS } from "./backoff";
import type { Transport, TransportEvents } from "./transport";

const PING_INTERVAL_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 8_000;

/** The page's network state; the window in a browser, a fake in tests. */
export interface NetworkEvents {
  isOnline(): boolean;
  subscribe(onChange: (online: boolean) => void): () => void;
}

export const browserNetwork: NetworkEvents = {
  isOnline: () => typeof navigator === "undefined" || navigator.onLine !== false,
  subscribe(onChange) {
    const online = () => onChange(true);
    const offline = () => onChange(false);
    window.addEventListener("online", online);
    window.addEventListener("offline", offline);
    return () => {
      window.removeEventListener("online", online);
      window.removeEventListener("offline", offline);
    };
  },
};

export interface SocketTransportOptions {
  /** The socket URL, read at every attempt; by default `/ws` on the page's own origin. */
  url?: () => string;
  network?: NetworkEvents;
  /** A WebSocket constructor (tests pass a fake). */
  WebSocket?: unknown;
}

/**
 * `ws:`/`wss:` to the page's own origin, so the session cookie authenticates the handshake,
 * naming the protocol version this bundle speaks (a server that no longer does closes with 4400).
 */
export function defaultSocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}/ws?v=${PROTOCOL_VERSION}`;
}

export class SocketTransport implements Transport {
  private socket: ReconnectingWebSocket | null = null;
  private events: TransportEvents | null = null;
  private ready = false;
  private everReady = false;
  private offline = false;
  /** Closed with a code that retrying cannot fix (bad credentials, unsupported protocol). */
  private final = false;
  /** Reconnect attempts since the last `ready` (see backoff.ts). */
  private attempts = 0;
  /** When partysocket's pending attempt starts (set as it schedules it). */
  private retryAt: number | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribeNetwork: (() => void) | null = null;

  constructor(private readonly options: SocketTransportOptions = {}) {}

  private get network(): NetworkEvents {
    return this.options.network ?? browserNetwork;
  }

  start(events: TransportEvents): void {
    if (this.events) return;
    this.events = events;
    this.final = false;
    this.offline = !this.network.isOnline();
    events.status(this.offline ? "offline" : "connecting");
    this.unsubscribeNetwork = this.network.subscribe((online) => (online ? this.onOnline() : this.onOffline()));
    this.socket = this.open(this.offline);
    this.pingTimer = setInterval(this.ping, PING_INTERVAL_MS);
  }

  stop(): void {
    if (!this.events) return;
    this.unsubscribeNetwork?.();
    this.unsubscribeNetwork = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.clearPongTimer();
    this.discard(this.socket, "client closed");
    this.socket = null;
    this.ready = false;
    this.events = null;
  }

  send(frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || !this.ready || socket.readyState !== ReconnectingWebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  reconnectNow(): void {
    if (!this.events || this.offline || this.final) return;
    this.attempts = 0;
    // partysocket's reconnect() is a no-op while it waits out a delay, so the waiting socket is
    // dropped (close() cancels its pending attempt) and a new one connects at once.
    this.discard(this.socket, "reconnect now");
    this.endSession(0);
    this.events.status(this.everReady ? "reconnecting" : "connecting");
    this.socket = this.open(false);
  }

  restart(reason: string): void {
    // 1000: browsers refuse any other code below 3000 from a page (partysocket would swallow
    // the error and never report the close).
    this.socket?.reconnect(CloseCode.NORMAL, reason);
  }

  private open(startClosed: boolean): ReconnectingWebSocket {
    // partysocket reads its options at every attempt and asks shouldReconnectOnClose just
    // before computing the next delay, so the delay is set there from our schedule (with a
    // growth factor of 1, partysocket waits exactly minReconnectionDelay).
    const socketOptions = {
      startClosed,
      minReconnectionDelay: reconnectDelay(0),
      maxReconnectionDelay: RECONNECT_EVERY_MS,
      reconnectionDelayGrowFactor: 1,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      maxRetries: Infinity,
      ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
      shouldReconnectOnClose: (event: CloseEvent) => {
        // Bad credentials, or a server that no longer speaks this tab's protocol, will not get
        // better by retrying.
        if (event.code === CloseCode.UNAUTHENTICATED || event.code === CloseCode.UNSUPPORTED_PROTOCOL) return false;
        const delay = reconnectDelay(this.attempts++);
        socketOptions.minReconnectionDelay = delay;
        this.retryAt = Date.now() + delay;
        return true;
      },
    };
    const socket = new ReconnectingWebSocket(this.options.url ?? defaultSocketUrl, undefined, socketOptions);
    socket.addEventListener("message", this.onMessage);
    socket.addEventListener("close", this.onClose);
    return socket;
  }

  private discard(socket: ReconnectingWebSocket | null, reason: string): void {
    if (!socket) return;
    socket.removeEventListener("message", this.onMessage);
    socket.removeEventListener("close", this.onClose);
    socket.close(CloseCode.NORMAL, reason);
    socket.drainQueuedMessages();
  }

  private onMessage = (event: MessageEvent) => {
    if (typeof event.data !== "string") return;
    const frame = parseServerFrame(event.data);
    if (!frame || !this.events) return;
    if (frame.type === "pong") return this.clearPongTimer();
    if (frame.type === "ready") {
      this.ready = true;
      this.everReady = true;
      this.attempts = 0;
      this.final = false;
      // Anything partysocket buffered while closed is dropped: the outbox re-sends it by id.
      this.socket?.drainQueuedMessages();
      this.events.status("online");
      this.events.ready(frame);
      return;
    }
    this.events.frame(frame);
  };

  private onClose = (event: CloseEvent | Event) => {
    const code = "code" in event ? (event as CloseEvent).code : 0;
    if (code === CloseCode.UNAUTHENTICATED || code === CloseCode.UNSUPPORTED_PROTOCOL) this.final = true;
    this.endSession(code);
    if (!this.events) return;
    const status = this.final || this.offline ? "offline" : this.everReady ? "reconnecting" : "connecting";
    this.events.status(status, status === "offline" ? null : this.retryAt);
  };

  private endSession(code: number): void {
    this.clearPongTimer();
    this.ready = false;
    // Every close is reported, even one before `ready`: the engine resets per-session state.
    this.events?.closed(code);
  }

  private onOffline(): void {
    // setOffline-style network loss does not always end an open socket; do it ourselves so
    // the state is honest and the reconnect path (re-join + outbox) runs when we are back.
    this.offline = true;
    this.socket?.close(CloseCode.NORMAL, "browser offline");
    this.events?.status("offline");
  }

  private onOnline(): void {
    this.offline = false;
    if (this.final || !this.events) return;
    this.events.status(this.everReady ? "reconnecting" : "connecting");
    this.socket?.reconnect();
  }

  private ping = () => {
    if (!this.ready || this.pongTimer) return;
    if (!this.send({ type: "ping" })) return;
    // No pong in time: the connection is dead without a close (sleep, network change).
    this.pongTimer = setTimeout(() => {
      this.pongTimer = null;
      this.socket?.reconnect(CloseCode.NORMAL, "pong timeout");
    }, PONG_TIMEOUT_MS);
  };

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }
}
