import type { Bus, BusEvent, BusListener } from "./types";

/** The embedded shape's bus: one process, so delivery is a function call on the next tick. */
export class MemoryBus implements Bus {
  readonly kind = "memory";
  private readonly topics = new Set<string>();
  private readonly listeners: BusListener[] = [];

  async publish(topic: string, event: BusEvent): Promise<void> {
    if (!this.topics.has(topic)) return;
    // Serialize like Redis would, so no listener can mutate the publisher's object.
    const copy = JSON.parse(JSON.stringify(event)) as BusEvent;
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(topic, copy);
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

  async close(): Promise<void> {
    this.topics.clear();
  }
}
