/** The users the signed-in user has blocked, as an external store shared by every view. */
import { api, errorMessage } from "./api";

export type BlockedUser = { id: string; username: string; at: string };
export interface BlocksState {
  readonly blocked: readonly BlockedUser[];
  readonly loaded: boolean;
  readonly error: string | null;
}

export class BlockList {
  private state: BlocksState = { blocked: [], loaded: false, error: null };
  private listeners = new Set<() => void>();
  private loading: Promise<void> | null = null;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): BlocksState => this.state;

  private set(patch: Partial<BlocksState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  load = (): Promise<void> => {
    this.loading ??= api
      .blocks()
      .then(({ blocks }) => this.set({ blocked: blocks, loaded: true, error: null }))
      .catch((err: unknown) => this.set({ loaded: true, error: errorMessage(err, "Could not load blocked users.") }))
      .finally(() => (this.loading = null));
    return this.loading;
  };

  isBlocked(id: string): boolean {
    return this.state.blocked.some((b) => b.id === id);
  }

  /** Blocks or unblocks; resolves to an error message, or null on success. */
  async toggle(user: { id: string; username: string }): Promise<string | null> {
    const blocked = this.isBlocked(user.id);
    try {
      if (blocked) await api.unblock(user.id);
      else await api.block(user.id);
    } catch (err) {
      return errorMessage(err, blocked ? "Could not unblock." : "Could not block.");
    }
    this.set({
      blocked: blocked ? this.state.blocked.filter((b) => b.id !== user.id) : [...this.state.blocked, { ...user, at: new Date().toISOString() }],
    });
    return null;
  }
}
