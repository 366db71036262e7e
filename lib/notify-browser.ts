/**
 * The browser side of notifications: which tabs of this user are visible (BroadcastChannel), and
 * one tab, not every tab, handling each message (a key claimed once in IndexedDB). Decisions
 * themselves are in lib/notify.ts.
 */
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

/** Handled notification keys live this long; a replay older than that is filtered by seq anyway. */
const CLAIM_TTL_MS = 24 * 60 * 60_000;
const CLAIMS_DB = "confab.notify";
const CLAIMS_STORE = "claimed";

let claimsDb: Promise<IDBDatabase | null> | null = null;

/** The shared claims database, pruned of old keys when a tab first opens it; null where refused. */
function openClaims(): Promise<IDBDatabase | null> {
  claimsDb ??= new Promise((resolve) => {
    if (typeof indexedDB === "undefined") return resolve(null);
    const request = indexedDB.open(CLAIMS_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(CLAIMS_STORE);
    request.onerror = () => resolve(null);
    request.onsuccess = () => {
      const db = request.result;
      const cutoff = Date.now() - CLAIM_TTL_MS;
      const prune = db.transaction(CLAIMS_STORE, "readwrite").objectStore(CLAIMS_STORE).openCursor();
      prune.onsuccess = () => {
        const cursor = prune.result;
        if (!cursor) return;
        if (typeof cursor.value !== "number" || cursor.value < cutoff) cursor.delete();
        cursor.continue();
      };
      resolve(db);
    };
  });
  return claimsDb;
}

/**
 * Runs `handle` for `key` in exactly one tab of the user. Tabs race to `add` the key in one
 * IndexedDB store: readwrite transactions on a store are serialized across every tab's process,
 * so exactly one add succeeds. (localStorage under a Web Lock was not enough: Chromium tabs in
 * different renderer processes see each other's writes only eventually.) Returns whether this
 * tab handled it.
 */
export async function claimOnce(userKey: string, key: string, handle: () => void): Promise<boolean> {
  const db = await openClaims();
  const claimed = db === null ? true : await addClaim(db, `${userKey}\n${key}`);
  if (claimed) handle();
  return claimed;
}

function addClaim(db: IDBDatabase, id: string): Promise<boolean> {
  return new Promise((resolve) => {
    let added = false;
    const tx = db.transaction(CLAIMS_STORE, "readwrite");
    const request = tx.objectStore(CLAIMS_STORE).add(Date.now(), id);
    request.onsuccess = () => {
      added = true;
    };
    request.onerror = (event) => {
      // Another tab holds the key: not an error for the transaction, which still commits.
      if (request.error?.name === "ConstraintError") event.preventDefault();
    };
    tx.oncomplete = () => resolve(added);
    // Storage failing (quota, shutdown): this tab decides alone rather than drop the notification.
    tx.onabort = () => resolve(request.error?.name !== "ConstraintError");
  });
}

export const notificationPermission = (): NotificationPermission | "unsupported" =>
  typeof window !== "undefined" && "Notification" in window ? Notification.permission : "unsupported";
