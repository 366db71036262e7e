/**
 * One socket per browser, not per tab. Tabs of the same user elect a leader with the Web Locks
 * API (the lock is held for the life of the leader tab and passes to a waiting tab the moment
 * it closes or crashes); the leader owns the socket and relays over a BroadcastChannel.
 *
 * A leader tab rather than a SharedWorker: Web Locks and BroadcastChannel exist in every
 * current browser (SharedWorker does not on Android Chrome), the socket keeps the page's
 * cookies and origin with no worker bundle, and fail-over is the same code as a reconnect:
 * followers see the old session end and the new leader's `ready`, and re-join with `since`.
 *
 * The server sees one socket that joined the union of the tabs' rooms. The leader keeps it
 * consistent with what each tab believes:
 * - replies carrying a `ref` go back to the tab whose frame had that id (acks go to every tab:
 *   the stored message is news for all of them);
 * - a room is left (or unwatched) on the server only when no tab still holds it;
 * - a tab that closes says goodbye, and its rooms are released.
 */
import type { ClientFrame, ServerFrame, ServerFrameOf } from "@/protocol";
import type { ConnectionStatus, Transport, TransportEvents } from "./transport";

type ReadyFrame = ServerFrameOf<"ready">;

/** Follower → leader. */
type Request = { t: "hello"; tab: string } | { t: "send"; tab: string; frame: ClientFrame } | { t: "bye"; tab: string } | { t: "reconnect-now" } | { t: "restart"; reason: string };

/** Leader → followers (`to`: one tab only). */
type Relay =
  | { t: "leader"; tab: string }
  | { t: "status"; status: ConnectionStatus; retryAt?: number | null; to?: string }
  | { t: "ready"; frame: ReadyFrame; to?: string }
  | { t: "frame"; frame: ServerFrame; to?: string }
  | { t: "closed"; code: number };

type Envelope = Request | Relay;

/** The parts of BroadcastChannel used here. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** The part of the Web Locks API used here (`navigator.locks`). */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

export interface SharedTransportOptions {
  /** Tabs with the same key share one socket (the signed-in user's id). */
  key: string;
  /** The socket the leader opens. */
  createSocket: () => Transport;
  channel?: (name: string) => ChannelLike;
  locks?: LockManagerLike;
  tabId?: string;
}

/** Request ids remembered for routing replies; oldest forgotten first. */
const MAX_REFS = 5_000;

export class SharedTransport implements Transport {
  readonly tab: string;
  private events: TransportEvents | null = null;
  private channel: ChannelLike | null = null;
  private abort: AbortController | null = null;
  private releaseLock: (() => void) | null = null;
  /** This tab's view: a session is ready and frames may be sent. */
  private sessionReady = false;
  /** The `ready.session` this tab follows. */
  private session: string | null = null;

  // Leader-only state.
  private socket: Transport | null = null;
  private ready: ReadyFrame | null = null;
  private status: ConnectionStatus = "connecting";
  private retryAt: number | null = null;
  private readonly refs = new Map<string, string>();
  private readonly joins = new Map<string, Set<string>>();
  private readonly watches = new Map<string, Set<string>>();
  /** Each tab's last presence report: idle is per tab, so the socket is idle only when every tab is. */
  private readonly tabStatus = new Map<string, string>();

  constructor(private readonly options: SharedTransportOptions) {
    this.tab = options.tabId ?? crypto.randomUUID();
  }

  get isLeader(): boolean {
    return this.socket !== null;
  }

  start(events: TransportEvents): void {
    if (this.events) return;
    this.events = events;
    events.status("connecting");
    this.resume();
    if (typeof window !== "undefined") {
      for (const [type, listener] of this.lifecycle) window.addEventListener(type, listener);
    }
  }

  stop(): void {
    if (!this.events) return;
    if (typeof window !== "undefined") {
      for (const [type, listener] of this.lifecycle) window.removeEventListener(type, listener);
    }
    this.suspend();
    this.events = null;
  }

  /**
   * A page that is hidden for the back/forward cache or frozen cannot relay (nor answer): it
   * steps out, so a live tab leads, and steps back in when it is shown or resumed.
   */
  private readonly lifecycle: [string, (event: Event) => void][] = [
    ["pagehide", () => this.suspend()],
    ["freeze", () => this.suspend()],
    ["pageshow", (event) => (event as PageTransitionEvent).persisted && this.resume()],
    ["resume", () => this.resume()],
  ];

  /** Joins the browser's tabs: waits for the lock (leading once it has it) and greets the leader. */
  resume(): void {
    if (!this.events || this.channel) return;
    const name = `confab.socket.${this.options.key}`;
    this.channel = (this.options.channel ?? ((n) => new BroadcastChannel(n)))(name);
    this.channel.onmessage = (event) => this.onEnvelope(event.data as Envelope);
    const abort = (this.abort = new AbortController());
    const locks = this.options.locks ?? navigator.locks;
    locks
      .request(name, { signal: abort.signal }, () => new Promise<void>((release) => {
        this.releaseLock = release;
        this.lead();
      }))
      .catch(() => undefined); // aborted while waiting: this tab left first
    // A leader may already be there; it answers with its status (and `ready`, if it has one).
    this.post({ t: "hello", tab: this.tab });
  }

  /** Leaves the browser's tabs: a leader closes the socket (another tab takes over), a follower says goodbye. */
  suspend(): void {
    if (!this.channel) return;
    if (this.socket) {
      this.socket.stop();
      this.socket = null;
      this.ready = null;
      this.resetTables();
      this.post({ t: "closed", code: 0 });
    } else {
      this.post({ t: "bye", tab: this.tab });
    }
    this.abort?.abort();
    this.abort = null;
    this.releaseLock?.();
    this.releaseLock = null;
    this.channel.close();
    this.channel = null;
    if (this.sessionReady) {
      this.sessionReady = false;
      this.session = null;
      this.events?.closed(0);
    }
  }

  send(frame: ClientFrame): boolean {
    if (!this.sessionReady) return false;
    if (this.socket) return this.forward(this.tab, frame);
    this.post({ t: "send", tab: this.tab, frame });
    return true;
  }

  reconnectNow(): void {
    if (this.socket) this.socket.reconnectNow();
    else this.post({ t: "reconnect-now" });
  }

  restart(reason: string): void {
    if (this.socket) this.socket.restart(reason);
    else this.post({ t: "restart", reason });
  }

  // --- leader --------------------------------------------------------------------------------

  private lead(): void {
    const events = this.events;
    if (!events || !this.channel) return this.releaseLock?.();
    // Whatever session this tab followed ended with the old leader.
    if (this.sessionReady) {
      this.sessionReady = false;
      events.closed(0);
    }
    this.post({ t: "leader", tab: this.tab });
    this.tabStatus.clear();
    this.tabStatus.set(this.tab, "online");
    this.socket = this.options.createSocket();
    this.socket.start({
      status: (status, retryAt = null) => {
        this.status = status;
        this.retryAt = retryAt;
        this.post({ t: "status", status, retryAt });
        this.events?.status(status, retryAt);
      },
      ready: (frame) => {
        this.ready = frame;
        this.resetTables();
        this.post({ t: "ready", frame });
        this.sessionReady = true;
        this.events?.ready(frame);
      },
      frame: (frame) => this.route(frame),
      closed: (code) => {
        this.ready = null;
        this.resetTables();
        this.post({ t: "closed", code });
        this.sessionReady = false;
        this.events?.closed(code);
      },
    });
  }

  private resetTables(): void {
    this.refs.clear();
    this.joins.clear();
    this.watches.clear();
    // A new session starts "online"; tabs that are not re-report after its `ready`.
    for (const tab of this.tabStatus.keys()) this.tabStatus.set(tab, "online");
  }

  private onRequest(request: Request): void {
    switch (request.t) {
      case "hello":
        if (!this.tabStatus.has(request.tab)) this.tabStatus.set(request.tab, "online");
        this.post({ t: "status", status: this.status, retryAt: this.retryAt, to: request.tab });
        if (this.ready) this.post({ t: "ready", frame: this.ready, to: request.tab });
        return;
      case "send":
        this.forward(request.tab, request.frame);
        return;
      case "bye":
        return this.release(request.tab);
      case "reconnect-now":
        return this.socket?.reconnectNow();
      case "restart":
        return this.socket?.restart(request.reason);
    }
  }

  /** Writes a tab's frame to the socket, keeping the room tables right. */
  private forward(tab: string, frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || !this.ready) return false;
    if ("id" in frame && frame.id) this.remember(frame.id, tab);
    switch (frame.type) {
      case "join":
        holders(this.joins, frame.room).add(tab);
        break;
      case "leave":
        this.joins.get(frame.room)?.delete(tab);
        if (this.joins.get(frame.room)?.size) {
          // Another tab still has the room open: this tab's leave is answered here.
          this.deliver({ type: "left", ...(frame.id ? { ref: frame.id } : {}), room: frame.room }, tab);
          return true;
        }
        this.joins.delete(frame.room);
        break;
      case "watch":
        for (const room of frame.rooms ?? []) holders(this.watches, room).add(tab);
        break;
      case "presence":
        this.tabStatus.set(tab, frame.status);
        // One idle tab of several does not make the user idle.
        if (frame.status === "idle" && [...this.tabStatus.values()].some((status) => status !== "idle")) return true;
        break;
      case "unwatch": {
        const rooms = frame.rooms.filter((room) => !this.unhold(this.watches, room, tab));
        if (rooms.length === 0) return true;
        return socket.send({ ...frame, rooms });
      }
    }
    return socket.send(frame);
  }

  /** A tab closed: rooms only it held are left and unwatched. */
  private release(tab: string): void {
    this.tabStatus.delete(tab);
    const leave = [...this.joins.keys()].filter((room) => !this.unhold(this.joins, room, tab));
    const unwatch = [...this.watches.keys()].filter((room) => !this.unhold(this.watches, room, tab));
    if (!this.socket || !this.ready) return;
    for (const room of leave) this.socket.send({ type: "leave", room });
    if (unwatch.length > 0) this.socket.send({ type: "unwatch", rooms: unwatch });
  }

  /** Removes `tab` from a room's holders; true while other tabs still hold it (or it was not held). */
  private unhold(table: Map<string, Set<string>>, room: string, tab: string): boolean {
    const set = table.get(room);
    if (!set?.delete(tab)) return true;
    if (set.size > 0) return true;
    table.delete(room);
    return false;
  }

  private remember(id: string, tab: string): void {
    if (this.refs.size >= MAX_REFS) this.refs.delete(this.refs.keys().next().value!);
    this.refs.set(id, tab);
  }

  private route(frame: ServerFrame): void {
    const ref = "ref" in frame ? frame.ref : undefined;
    // Kept after the first reply (bounded by MAX_REFS and the session): a ref may be answered twice.
    const tab = ref ? this.refs.get(ref) : undefined;
    if (!tab || frame.type === "ack") return this.deliver(frame);
    this.deliver(frame, tab);
  }

  private deliver(frame: ServerFrame, tab?: string): void {
    if (tab === undefined || tab === this.tab) this.events?.frame(frame);
    if (tab !== this.tab) this.post({ t: "frame", frame, ...(tab ? { to: tab } : {}) });
  }

  // --- follower ------------------------------------------------------------------------------

  private onEnvelope(envelope: Envelope): void {
    if (this.socket) {
      if (envelope.t === "hello" || envelope.t === "send" || envelope.t === "bye" || envelope.t === "reconnect-now" || envelope.t === "restart") this.onRequest(envelope);
      return;
    }
    const events = this.events;
    if (!events) return;
    switch (envelope.t) {
      case "leader":
        // A new leader: the old session is over; this tab's next `ready` comes from it.
        if (this.sessionReady) {
          this.sessionReady = false;
          events.closed(0);
        }
        this.post({ t: "hello", tab: this.tab });
        return;
      case "status":
        if (!envelope.to || envelope.to === this.tab) events.status(envelope.status, envelope.retryAt ?? null);
        return;
      case "ready":
        if (envelope.to && envelope.to !== this.tab) return;
        // The answer to a hello can cross the broadcast of the same session's `ready`.
        if (this.sessionReady && envelope.frame.session === this.session) return;
        if (this.sessionReady) events.closed(0);
        this.sessionReady = true;
        this.session = envelope.frame.session;
        events.ready(envelope.frame);
        return;
      case "frame":
        if (this.sessionReady && (!envelope.to || envelope.to === this.tab)) events.frame(envelope.frame);
        return;
      case "closed":
        // A close before any `ready` still matters when its code is final (bad credentials).
        if (!this.sessionReady && envelope.code === 0) return;
        this.sessionReady = false;
        events.closed(envelope.code);
        return;
    }
  }

  private post(envelope: Envelope): void {
    this.channel?.postMessage(envelope);
  }
}

function holders(table: Map<string, Set<string>>, room: string): Set<string> {
  let set = table.get(room);
  if (!set) table.set(room, (set = new Set()));
  return set;
}

/** Whether this browser can share one socket between tabs. */
export function canShareSocket(): boolean {
  return typeof BroadcastChannel !== "undefined" && typeof navigator !== "undefined" && "locks" in navigator && !!navigator.locks;
}
