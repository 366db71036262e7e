/**
 * The shell in German: a browser that asks for German (Playwright sends Accept-Language from
 * the context's locale) gets German pages, until the user picks another language in Settings;
 * "Browser default" hands the choice back to the browser.
 */
import { expect, PASSWORD, test, uniqueName } from "./fixtures";
import { AuthPage } from "./pages/auth";

test("a German browser gets the shell in German, Settings → Language switches it to English for good, and back", async ({ browser, newUser, baseURL, cspWatch }) => {
  const other = await newUser("de_blocked");
  const { id: otherId } = (await (await other.page.request.get("/api/me")).json()) as { id: string };

  const context = await browser.newContext({ locale: "de-DE" });
  await cspWatch.attach(context);
  const page = await context.newPage();
  const html = page.locator("html");

  await page.goto("/signin");
  await expect(html).toHaveAttribute("lang", "de");
  await expect(page).toHaveTitle("Anmelden · Confab");

  const username = uniqueName("de");
  const auth = new AuthPage(page);
  await auth.signUp(username, PASSWORD);
  await auth.expectSignedIn(username);
  await expect(page.getByRole("heading", { name: "Meine Räume" })).toBeVisible();
  await expect(page.getByTestId("create-room-open")).toHaveText("+ Raum erstellen");
  await expect(page.getByTestId("settings-link")).toHaveText("Einstellungen");
  await expect(page.getByTestId("sign-out")).toHaveText("Abmelden");
  await expect(page.getByRole("navigation", { name: "Räume" })).toBeVisible();
  await expect(page.getByTestId("status-picker").locator('option[value="dnd"]')).toHaveText("Nicht stören");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Willkommen bei Confab");

  // A block gives the settings page a date to format: German order, 24-hour time.
  const blocked = await page.request.post("/api/blocks", { data: { user: otherId }, headers: { origin: baseURL! } });
  expect(blocked.status()).toBe(204);

  await page.getByTestId("settings-link").click();
  const title = page.getByRole("heading", { level: 1 });
  const since = page.locator(`[data-testid="blocked-user"][data-username="${other.username}"]`);
  await expect(title).toHaveText("Einstellungen");
  await expect(page.getByTestId("theme-picker")).toContainText("Dunkel");
  await expect(page.getByTestId("display-name-save")).toHaveText("Speichern");
  await expect(since).toContainText(/seit \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);

  // English, chosen on the account: the page follows at once and after a reload.
  const english = async () => {
    await expect(html).toHaveAttribute("lang", "en");
    await expect(title).toHaveText("Settings");
    await expect(page.getByRole("heading", { name: "My rooms" })).toBeVisible();
    await expect(page.getByTestId("theme-picker")).toContainText("Dark");
    await expect(since).toContainText(/since [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M/);
  };
  await page.getByTestId("language-picker").selectOption("en");
  await english();
  await page.reload();
  await english();
  await expect(page.getByTestId("language-picker")).toHaveValue("en");

  // Back to the browser's language.
  await page.getByTestId("language-picker").selectOption("browser");
  await expect(html).toHaveAttribute("lang", "de");
  await expect(title).toHaveText("Einstellungen");
  await expect(page.getByRole("heading", { name: "Meine Räume" })).toBeVisible();
  await page.reload();
  await expect(title).toHaveText("Einstellungen");

  // The 404 page speaks German too, with its way home.
  await page.goto("/no-such-page");
  await expect(page.getByTestId("error-page")).toContainText("Diese Seite gibt es nicht");
  await expect(page.getByTestId("error-home")).toHaveText("Zurück zu Confab");
  await expect(page).toHaveTitle("Seite nicht gefunden · Confab");
  await context.close();
});
