import type { Bus, BusEvent, BusListener } from "./types";

/**
 * The embedded shape's bus: one process, so delivery is a function call on the next tick. The
 * event is serialized once, as Redis would, so listeners get the same `raw` string and can
 * write it to sockets without encoding it again. Listeners share the publisher's object, so
 * it is frozen: a listener that tries to change it fails loudly instead of corrupting it.
 */
export class MemoryBus implements Bus {
  readonly kind = "memory";
  private readonly topics = new Set<string>();
  private readonly listeners: BusListener[] = [];

  async publish(topic: string, event: BusEvent): Promise<void> {
    if (!this.topics.has(topic)) return;
    const raw = JSON.stringify(deepFreeze(event));
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(topic, event, raw);
    });
  }

  async subscribe(topic: string): Promise<void> {
    this.topics.add(topic);
  }

  async unsubscribe(topic: string): Promise<void> {
    this.topics.delete(topic);
  }

  onEvent(listener: BusListener): void {
    this.listeners.push(listener);
  }

  onResync(): void {
    // Nothing is ever dropped in-process.
  }

  async typists(): Promise<[]> {
    return [];
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
