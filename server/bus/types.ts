import type { Message } from "@/protocol";

/**
 * What travels between instances. The bus only says "something happened"; the database is
 * the source of truth, and a listener that missed events catches up from it by seq.
 */
export type BusEvent =
  | { type: "message"; room: string; message: Message }
  | { type: "member"; room: string; user: { id: string; username: string }; event: "joined" | "left" };

export type BusListener = (topic: string, event: BusEvent) => void;

export interface Bus {
  readonly kind: "memory" | "redis";
  publish(topic: string, event: BusEvent): Promise<void>;
  /** Starts delivering `topic` to the listeners; resolves once the subscription is live. */
  subscribe(topic: string): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  onEvent(listener: BusListener): void;
  /** Called after the bus reconnects and may have dropped events: backfill from the database. */
  onResync(listener: () => void): void;
  close(): Promise<void>;
}

export const roomTopic = (roomId: string) => `room:${roomId}`;
