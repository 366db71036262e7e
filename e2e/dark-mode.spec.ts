/**
 * Dark mode (issue 13): the theme follows the system until the user picks one in Settings; the
 * pick is stored on the account, so it survives a reload and reaches a new browser signed in as
 * the same user, painted from the first byte (the server seeds it). Signed-out pages follow the
 * system whatever the last user picked.
 */
import { expect, test, type ChatUser } from "./fixtures";
import type { Page } from "@playwright/test";

const html = (page: Page) => page.locator("html");

/** The body's painted background, as "rgb(r, g, b)" luminance: proves the palette flipped, not just the class. */
async function backgroundIsDark(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const probe = document.createElement("canvas").getContext("2d")!;
    probe.fillStyle = getComputedStyle(document.querySelector("main") ?? document.body).backgroundColor;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! < 80;
  });
}

test("a dark system setting gives the dark theme, signed out and signed in", async ({ browser, newUser, cspWatch }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  await cspWatch.attach(context);
  const page = await context.newPage();
  await page.goto("/signin");
  await expect(html(page)).toHaveClass(/\bdark\b/);
  expect(await backgroundIsDark(page)).toBe(true);
  await context.close();

  // A signed-in user who never chose: "system", so the same browser setting decides.
  const ada = await newUser("ada");
  await expect(html(ada.page)).toHaveClass(/\blight\b/);
  expect(await backgroundIsDark(ada.page)).toBe(false);
  await ada.page.emulateMedia({ colorScheme: "dark" });
  await expect(html(ada.page)).toHaveClass(/\bdark\b/);
  expect(await backgroundIsDark(ada.page)).toBe(true);
  await ada.page.getByTestId("settings-link").click();
  await expect(ada.page.getByTestId("theme-system")).toBeChecked();
});

async function pickTheme(user: ChatUser, theme: "light" | "dark" | "system"): Promise<void> {
  const saved = user.page.waitForResponse((r) => r.url().endsWith("/api/me") && r.request().method() === "PATCH" && r.ok());
  await user.page.getByTestId(`theme-${theme}`).check();
  await saved;
}

test("a manual choice persists across a reload and reaches a new browser signed in as the same user", async ({ browser, newUser, cspWatch }) => {
  const bea = await newUser("bea"); // the default context: a light system setting
  await bea.page.getByTestId("settings-link").click();
  await pickTheme(bea, "dark");
  await expect(html(bea.page)).toHaveClass(/\bdark\b/);
  expect(await backgroundIsDark(bea.page)).toBe(true);

  await bea.page.reload();
  await expect(bea.page.getByTestId("theme-dark")).toBeChecked();
  await expect(html(bea.page)).toHaveClass(/\bdark\b/);

  // Another browser (light system, nothing in its storage): dark from the server-rendered page on.
  const other = await browser.newContext({ colorScheme: "light" });
  await cspWatch.attach(other);
  await other.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      (window as unknown as { __themeAtLoad?: string }).__themeAtLoad = document.documentElement.className;
    });
  });
  const page = await other.newPage();
  await page.goto("/signin");
  await expect(html(page)).toHaveClass(/\blight\b/);
  await page.getByTestId("signin-username").fill(bea.username);
  await page.getByTestId("signin-password").fill(bea.password);
  await page.getByTestId("signin-submit").click();
  await expect(page.getByTestId("current-user")).toHaveText(bea.username);
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(page.getByTestId("current-user")).toHaveText(bea.username);
  expect(await page.evaluate(() => (window as unknown as { __themeAtLoad?: string }).__themeAtLoad)).toMatch(/\bdark\b/);

  // Back to "system" on the second browser: light there (its setting), and on the first after a reload.
  await page.getByTestId("settings-link").click();
  await expect(page.getByTestId("theme-dark")).toBeChecked();
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/me") && r.request().method() === "PATCH" && r.ok());
  await page.getByTestId("theme-system").check();
  await saved;
  await expect(html(page)).toHaveClass(/\blight\b/);
  await bea.page.reload();
  await expect(bea.page.getByTestId("theme-system")).toBeChecked();
  await expect(html(bea.page)).toHaveClass(/\blight\b/);

  // Light, then signed out: the sign-in page follows the (dark) system, not the last user's pick.
  await pickTheme(bea, "light");
  await bea.page.emulateMedia({ colorScheme: "dark" });
  await expect(html(bea.page)).toHaveClass(/\blight\b/);
  await bea.page.getByTestId("sign-out").click();
  await expect(bea.page.getByTestId("signin-submit")).toBeVisible();
  await expect(html(bea.page)).toHaveClass(/\bdark\b/);
  await other.close();
});
