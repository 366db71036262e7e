import type { Message, ServerFrame } from "@/protocol";
import type { AiSignal } from "@/server/ai/signals";

/**
 * What travels between instances. The bus only says "something happened"; the database is
 * the source of truth, and a listener that missed events catches up from it by seq.
 */
export type BusEvent =
  /** A new message; each instance filters private messages per socket. */
  | { type: "message"; room: string; message: Message }
  /** A ready-made frame for the room's sockets, optionally only some users' or all but one's. */
  | { type: "frame"; room: string; frame: ServerFrame; only?: string[]; except?: string }
  /**
   * Typing travels on the room's topic; each instance with sockets in the room aggregates it with
   * its own expiry (server/realtime/typing.ts).
   */
  | { type: "typing"; room: string; user: { id: string; username: string }; state: "start" | "stop" }
  /** Leave, kick or ban: the user's sockets on every instance leave the room now. */
  | { type: "evict"; room: string; user: string; reason: EvictReason }
  /** Per-user news for that user's own sockets (topic user:<id>). */
  | { type: "blocks"; user: string; blocked: string[] }
  | { type: "user_frame"; user: string; frame: ServerFrame }
  /** The user picked a status (online/away/dnd): it applies to all of their tabs. */
  | { type: "status"; user: string; status: "online" | "away" | "dnd" }
  /**
   * A site admin disabled, deleted or changed the account (site topic, every instance listens):
   * drop the cached validity at once and, when `close` is set, close the user's sockets.
   */
  | { type: "user_revoked"; user: string; close: boolean }
  /** A site admin changed a site setting (site topic): drop the cached value (server/archive/switch.ts). */
  | { type: "site_setting"; key: string }
  /** Between the assistant's instances (AI topic): cancel, catch-up snapshots, idle checks. */
  | { type: "ai"; room: string; signal: AiSignal };

export type EvictReason = "left" | "kicked" | "banned";

/**
 * `raw` is the event's JSON as it travelled, when the bus has it: a `message` event has the
 * same shape as the `message` frame, so that string is written to sockets as is and a message
 * is serialized once per cluster, not once per instance or per socket.
 */
export type BusListener = (topic: string, event: BusEvent, raw?: string) => void;

export interface Bus {
  readonly kind: "memory" | "redis";
  publish(topic: string, event: BusEvent): Promise<void>;
  /** Starts delivering `topic` to the listeners; resolves once the subscription is live. */
  subscribe(topic: string): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  onEvent(listener: BusListener): void;
  /**
   * Called after the bus reconnected and every subscription is live again (events published
   * while it was down are lost): backfill from the database.
   */
  onResync(listener: () => void): void;
  /**
   * Who is typing in a room according to other instances, for an instance that just subscribed
   * to it (typing travels on the room's topic, so it has seen none of it): `ttlMs` is what is
   * left of each typist's indicator. Empty in-process, where the local tracker already knows.
   */
  typists(room: string): Promise<Array<{ user: { id: string; username: string }; ttlMs: number }>>;
  /** Whether the bus can carry events right now (for /api/health); callers bound the wait. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Site-wide news every instance subscribes to from start-up (account revocations). */
export const SITE_TOPIC = "site";

export const roomTopic = (roomId: string) => `room:${roomId}`;
export const userTopic = (userId: string) => `user:${userId}`;

/** Sends a frame to every socket of one user, on every instance. */
export const publishToUser = (bus: Bus, user: string, frame: ServerFrame) => bus.publish(userTopic(user), { type: "user_frame", user, frame });

export const publishTyping = (bus: Bus, room: string, user: { id: string; username: string }, state: "start" | "stop") =>
  bus.publish(roomTopic(room), { type: "typing", room, user: { id: user.id, username: user.username }, state });

/** Publishes a frame to a room's sockets on every instance. */
export const publishFrame = (bus: Bus, room: string, frame: ServerFrame, audience: { only?: string[]; except?: string } = {}) =>
  bus.publish(roomTopic(room), { type: "frame", room, frame, ...audience });
