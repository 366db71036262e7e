import { expect, type Page } from "@playwright/test";

/** The sign-up and sign-in forms. */
export class AuthPage {
  constructor(readonly page: Page) {}

  async signUp(username: string, password: string): Promise<void> {
    await this.page.goto("/signup");
    await this.page.getByTestId("signup-username").fill(username);
    await this.page.getByTestId("signup-password").fill(password);
    await this.page.getByTestId("signup-submit").click();
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.goto("/signin");
    await this.page.getByTestId("signin-username").fill(username);
    await this.page.getByTestId("signin-password").fill(password);
    await this.page.getByTestId("signin-submit").click();
  }

  /** Signed in: the app shell is showing and its socket is connected. */
  async expectSignedIn(username: string): Promise<void> {
    await expect(this.page.getByTestId("current-user")).toHaveText(username);
    await expect(this.page.getByTestId("connection-status")).toHaveText("online");
  }
}
