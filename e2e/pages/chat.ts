import { expect, type Locator, type Page } from "@playwright/test";

/** The signed-in app: sidebar, room view, composer. */
export class ChatPage {
  constructor(readonly page: Page) {}

  get status(): Locator {
    return this.page.getByTestId("connection-status");
  }

  get composer(): Locator {
    return this.page.getByTestId("composer-input");
  }

  /** Rows (sent, sending or failed) whose content is exactly `text`. */
  messages(text: string): Locator {
    return this.page.getByTestId("message").filter({ has: this.page.getByTestId("message-content").getByText(text, { exact: true }) });
  }

  async createRoom(name: string, opts: { visibility?: "public" | "private"; topic?: string } = {}): Promise<string> {
    await this.page.getByTestId("create-room-open").click();
    await this.page.getByTestId("create-room-name").fill(name);
    if (opts.topic) await this.page.getByTestId("create-room-topic").fill(opts.topic);
    await this.page.getByTestId(`create-room-${opts.visibility ?? "public"}`).check();
    await this.page.getByTestId("create-room-submit").click();
    await expect(this.page.getByTestId("room-name")).toContainText(name);
    await expect(this.page.getByTestId("room-link").filter({ hasText: name })).toBeVisible();
    return this.roomIdFromUrl();
  }

  /** Finds a public room through "Browse public" and joins it. */
  async joinFromBrowse(name: string): Promise<string> {
    await this.page.getByTestId("public-room-search").fill(name);
    await this.page.getByTestId("public-room-link").filter({ hasText: name }).click();
    await expect(this.page.getByTestId("room-name")).toContainText(name);
    await this.page.getByTestId("join-room").click();
    await expect(this.composer).toBeVisible();
    await expect(this.page.getByTestId("room-link").filter({ hasText: name })).toBeVisible();
    return this.roomIdFromUrl();
  }

  /** Types and sends with Enter. */
  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press("Enter");
  }

  /** Sends and waits until the server has acknowledged it (the row is no longer pending). */
  async sendAndWaitForAck(text: string): Promise<void> {
    await this.send(text);
    await expect(this.messages(text).and(this.page.locator('[data-state="sent"]'))).toHaveCount(1);
  }

  roomIdFromUrl(): string {
    const match = /\/rooms\/([0-9a-f-]{36})/.exec(this.page.url());
    if (!match) throw new Error(`not on a room page: ${this.page.url()}`);
    return match[1]!;
  }

  /** A room's entry in "My rooms" (or "Direct messages"). */
  roomLink(roomId: string): Locator {
    return this.page.locator(`[data-testid="room-link"][data-room-id="${roomId}"], [data-testid="dm-link"][data-room-id="${roomId}"]`);
  }

  unreadBadge(roomId: string): Locator {
    return this.roomLink(roomId).getByTestId("unread-count");
  }

  get typingIndicator(): Locator {
    return this.page.getByTestId("typing-indicator");
  }

  get seenBy(): Locator {
    return this.page.getByTestId("seen-by");
  }

  get newMessagesDivider(): Locator {
    return this.page.getByTestId("new-messages-divider");
  }

  /** A member in the room's member list. */
  member(username: string): Locator {
    return this.page.locator(`[data-testid="member-list"] [data-testid="member"][data-username="${username}"]`);
  }

  /** Opens a room from the sidebar and waits until it is live. */
  async openRoom(roomId: string): Promise<void> {
    await this.roomLink(roomId).click();
    await expect(this.page).toHaveURL(new RegExp(`/rooms/${roomId}$`));
    await expect(this.composer).toBeVisible();
  }

  /** Reacts to a message through its hover bar. */
  async react(text: string, emoji: string): Promise<void> {
    const row = this.messages(text);
    await row.hover();
    await row.getByRole("button", { name: `React ${emoji}` }).first().click();
  }

  /** The message list; `data-loaded-messages` counts the messages it holds, mounted or not. */
  get messageList(): Locator {
    return this.page.getByTestId("message-list");
  }

  /**
   * The `data-seq` of every sent message the list holds, top to bottom. The list is virtualized
   * (only rows near the view are in the DOM), so this scrolls through it like a reader would,
   * from the top (which may load older history) to the bottom.
   */
  async loadedSeqs(): Promise<number[]> {
    return this.page.getByTestId("message-scroller").evaluate(async (el) => {
      const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const seen = new Set<number>();
      el.scrollTop = 0;
      await frames();
      for (let guard = 0; guard < 10_000; guard++) {
        for (const row of el.querySelectorAll<HTMLElement>('[data-testid="message"][data-state="sent"]')) seen.add(Number(row.dataset.seq));
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
        el.scrollTop += Math.max(1, Math.floor(el.clientHeight / 2));
        await frames();
      }
      return [...seen].sort((a, b) => a - b);
    });
  }
}
