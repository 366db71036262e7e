import { expect, type Page } from "@playwright/test";

/** The invitation page (/invite/[token]), for signed-in and signed-out visitors. */
export class InvitePage {
  constructor(readonly page: Page) {}

  async open(path: string, roomName: string): Promise<void> {
    await this.page.goto(path);
    await expect(this.page.getByTestId("invite-room-name")).toHaveText(roomName);
  }

  /** Signs up with the form on the invitation page (which then accepts the invitation). */
  async signUpAndAccept(username: string, password: string): Promise<void> {
    await this.page.getByTestId("signup-username").fill(username);
    await this.page.getByTestId("signup-password").fill(password);
    await this.page.getByTestId("signup-submit").click();
  }

  async accept(): Promise<void> {
    await this.page.getByTestId("invite-accept").click();
  }
}
