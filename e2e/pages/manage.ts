import { expect, type Locator, type Page } from "@playwright/test";

/** The room admin panel (/rooms/[id]/manage). */
export class ManagePage {
  constructor(readonly page: Page) {}

  /** Opens the panel from the room header's "Manage" button. */
  async open(): Promise<void> {
    await this.page.getByTestId("manage-room").click();
    await expect(this.page.getByTestId("manage-room-panel")).toBeVisible();
  }

  member(username: string): Locator {
    return this.page.locator(`[data-testid="manage-member"][data-username="${username}"]`);
  }

  /** Starts an export and waits through its progress bar to the download links. */
  /** `beforeDone`: runs once the progress bar is seen (a test that holds "done" answers releases them). */
  async exportRoom({ beforeDone }: { beforeDone?: () => Promise<void> } = {}): Promise<void> {
    await this.page.getByTestId("export-start").click();
    await expect(this.page.getByTestId("export-progress").getByRole("progressbar")).toBeVisible();
    await beforeDone?.();
    await expect(this.page.getByTestId("export-ready")).toBeVisible({ timeout: 30_000 });
    await expect(this.page.getByTestId("export-progress")).toHaveCount(0);
  }

  /** Clicks a download link of the finished export and returns the file's text. */
  async download(which: "html" | "jsonl"): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.page.getByTestId(`export-download-${which}`).click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
  }

  /** Creates an invitation link and returns its path (/invite/<token>). */
  async createInvite(opts: { role?: string; maxUses?: number } = {}): Promise<string> {
    if (opts.role) await this.page.getByTestId("invite-role").selectOption(opts.role);
    if (opts.maxUses) await this.page.getByTestId("invite-max-uses").fill(String(opts.maxUses));
    await this.page.getByTestId("invite-create").click();
    const url = await this.page.getByTestId("invite-url").inputValue();
    expect(url).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);
    return new URL(url).pathname;
  }

  async mute(username: string, duration: "300" | "3600" | "86400" | "0", reason?: string): Promise<void> {
    const row = this.member(username);
    if (reason) await row.getByTestId("mod-reason").fill(reason);
    await row.getByTestId("mod-mute-duration").selectOption(duration);
    await row.getByTestId("mod-mute").click();
    await expect(row.getByTestId("member-muted")).toBeVisible();
  }

  async ban(username: string, reason?: string): Promise<void> {
    const row = this.member(username);
    if (reason) await row.getByTestId("mod-reason").fill(reason);
    this.page.once("dialog", (dialog) => void dialog.accept());
    await row.getByTestId("mod-ban").click();
    await expect(this.page.locator(`[data-testid="ban-row"][data-username="${username}"]`)).toBeVisible();
  }

  async kick(username: string, reason?: string): Promise<void> {
    const row = this.member(username);
    if (reason) await row.getByTestId("mod-reason").fill(reason);
    this.page.once("dialog", (dialog) => void dialog.accept());
    await row.getByTestId("mod-kick").click();
    await expect(row).toHaveCount(0);
  }

  /** Changes the topic in the settings form and saves. */
  async setTopic(topic: string): Promise<void> {
    await this.page.getByTestId("settings-topic").fill(topic);
    await this.page.getByTestId("settings-save").click();
    await expect(this.page.getByTestId("settings-saved")).toBeVisible();
  }
}
