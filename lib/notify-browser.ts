/**
 * The browser side of notifications: which tabs of this user are visible (BroadcastChannel), and
 * one tab, not every tab, handling each message (a Web Lock around a shared list of handled
 * messages in localStorage). Decisions themselves are in lib/notify.ts.
 */
import { rememberKey } from "./notify";

type TabMessage = { t: "hello"; tab: string; visible: boolean } | { t: "state"; tab: string; visible: boolean } | { t: "gone"; tab: string };

/**
 * Tracks whether any tab of the user is visible. Each tab announces its visibility on changes
 * and answers a newcomer's hello, so every tab knows the others' state.
 */
export class TabVisibility {
  private readonly others = new Map<string, boolean>();
  private readonly channel: BroadcastChannel | null;
  readonly tab = crypto.randomUUID();
  private readonly onVisibility = () => this.post({ t: "state", tab: this.tab, visible: this.visible() });
  private readonly onHide = () => this.post({ t: "gone", tab: this.tab });

  constructor(key: string) {
    this.channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(`confab.tabs.${key}`);
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent<TabMessage>) => {
        const m = event.data;
        if (m.t === "gone") this.others.delete(m.tab);
        else this.others.set(m.tab, m.visible);
        if (m.t === "hello") this.post({ t: "state", tab: this.tab, visible: this.visible() });
      };
    }
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("pagehide", this.onHide);
    this.post({ t: "hello", tab: this.tab, visible: this.visible() });
  }

  visible(): boolean {
    return document.visibilityState === "visible";
  }

  /** This tab or another of the user's is in front. */
  anyVisible(): boolean {
    return this.visible() || [...this.others.values()].some(Boolean);
  }

  close(): void {
    this.onHide();
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("pagehide", this.onHide);
    this.channel?.close();
  }

  private post(message: TabMessage): void {
    this.channel?.postMessage(message);
  }
}

/**
 * Runs `handle` for `key` in exactly one tab of the user: tabs take a Web Lock in turn, and the
 * first records the key in localStorage, where the next ones find it. Returns whether this tab
 * handled it.
 */
export async function claimOnce(userKey: string, key: string, handle: () => void): Promise<boolean> {
  const storageKey = `confab.notified.${userKey}`;
  const attempt = () => {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(storageKey);
    } catch {
      // Storage refused (privacy mode): this tab decides alone.
    }
    const { seen, next } = rememberKey(stored, key);
    if (seen) return false;
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // As above.
    }
    handle();
    return true;
  };
  if (typeof navigator === "undefined" || !navigator.locks) return attempt();
  return navigator.locks.request(`confab.notify.${userKey}`, async () => attempt());
}

export const notificationPermission = (): NotificationPermission | "unsupported" =>
  typeof window !== "undefined" && "Notification" in window ? Notification.permission : "unsupported";
