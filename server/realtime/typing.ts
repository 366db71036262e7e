/**
 * Who is typing in each room this instance has sockets in. Every instance receives the same
 * typing events from the bus and keeps its own copy with its own expiry timers, so a user
 * whose tab (or whole instance) vanished still drops out `ttlMs` after their last `start`.
 */
export type Typist = { id: string; username: string };

export class TypingTracker {
  private readonly rooms = new Map<string, Map<string, { user: Typist; timer: NodeJS.Timeout }>>();

  constructor(
    private readonly ttlMs: number,
    /** Called whenever a room's list changes, with the user whose state changed. */
    private readonly onChange: (room: string, changed: string) => void,
  ) {}

  /** `ttlMs`: what is left of the indicator when it was started elsewhere earlier. */
  apply(room: string, user: Typist, state: "start" | "stop", ttlMs = this.ttlMs): void {
    let typists = this.rooms.get(room);
    const current = typists?.get(user.id);
    if (state === "stop") {
      if (!current) return;
      clearTimeout(current.timer);
      typists!.delete(user.id);
      if (typists!.size === 0) this.rooms.delete(room);
      this.onChange(room, user.id);
      return;
    }
    if (!typists) {
      typists = new Map();
      this.rooms.set(room, typists);
    }
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => this.apply(room, user, "stop"), ttlMs);
    timer.unref();
    typists.set(user.id, { user, timer });
    if (!current) this.onChange(room, user.id);
  }

  typists(room: string): Typist[] {
    return [...(this.rooms.get(room)?.values() ?? [])].map((t) => t.user);
  }
}
