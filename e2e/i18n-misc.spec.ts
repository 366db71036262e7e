/**
 * The sign-up and sign-in forms, the search dialog and file sizes in German (docs/i18n.md): a
 * browser whose language is German (Playwright sends Accept-Language from `locale`) gets German
 * text and German number formatting without choosing anything in Settings.
 */
import type { Browser } from "@playwright/test";
import { expect, PASSWORD, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat";

async function germanPage(browser: Browser) {
  const context = await browser.newContext({ locale: "de-DE" });
  return { context, page: await context.newPage() };
}

test("German: sign-up form, a file's size in German number format, the search dialog", async ({ browser }) => {
  const { context, page } = await germanPage(browser);
  const username = uniqueName("deutsch");
  try {
    await page.goto("/signup");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Erstelle dein Konto");
    await expect(page.getByLabel("Benutzername")).toBeVisible();
    await expect(page.getByText("Mindestens 8 Zeichen.")).toBeVisible();
    await expect(page.getByTestId("signup-submit")).toHaveText("Konto erstellen");

    // The schema's rule, in German, next to the field.
    await page.getByTestId("signup-username").fill("ab");
    await page.getByTestId("signup-password").fill(PASSWORD);
    await page.getByTestId("signup-submit").click();
    await expect(page.getByTestId("signup-username-error")).toHaveText("Der Benutzername muss mindestens 3 Zeichen lang sein.");

    await page.getByTestId("signup-username").fill(username);
    await page.getByTestId("signup-submit").click();
    await expect(page.getByTestId("current-user")).toHaveText(username);

    const chat = new ChatPage(page);
    await chat.createRoom(uniqueName("dateien"));
    await expect(page.getByTestId("attach-button")).toHaveAccessibleName("Dateien anhängen");
    // 1536 bytes: 1.5 KB, written with a decimal comma in German.
    await page.getByTestId("attach-input").setInputFiles({ name: "notizen.txt", mimeType: "text/plain", buffer: Buffer.alloc(1536, "a") });
    await expect(page.getByTestId("upload-item")).toHaveAttribute("data-state", "done");
    await expect(page.getByTestId("upload-size")).toHaveText("1,5 KB · bereit");
    await chat.composer.fill("die Notizen");
    await chat.composer.press("Enter");
    const card = chat.messages("die Notizen").getByTestId("file-card");
    await expect(card.getByTestId("file-size")).toHaveText("1,5 KB");
    await expect(card.getByTestId("file-download")).toHaveText("Herunterladen");
    await expect(card.getByTestId("file-download")).toHaveAccessibleName("notizen.txt herunterladen");

    await expect(page.getByTestId("search-open")).toContainText("Raum wechseln oder suchen");
    await page.getByTestId("search-open").click();
    const input = page.getByTestId("search-input");
    await expect(input).toHaveAttribute("placeholder", "Zu einem Raum springen oder Nachrichten suchen…");
    await input.fill("xylophonquark");
    await expect(page.getByTestId("search-empty")).toHaveText("Keine Nachrichten passen zu „xylophonquark“.");
  } finally {
    await context.close();
  }

  // Signing in, in German, with a wrong password and then the right one.
  const again = await germanPage(browser);
  try {
    await again.page.goto("/signin");
    await expect(again.page.getByRole("heading", { level: 1 })).toHaveText("Bei Confab anmelden");
    await expect(again.page.getByText("Neu bei Confab?")).toBeVisible();
    await expect(again.page.getByRole("link", { name: "Konto erstellen" })).toHaveAttribute("href", "/signup");
    await again.page.getByTestId("signin-submit").click();
    await expect(again.page.getByTestId("signin-error")).toHaveText("Gib deinen Benutzernamen und dein Passwort ein.");
    await again.page.getByTestId("signin-username").fill(username);
    await again.page.getByTestId("signin-password").fill("not the password");
    await again.page.getByTestId("signin-submit").click();
    await expect(again.page.getByTestId("signin-error")).toHaveText("Benutzername oder Passwort ist falsch.");
    await again.page.getByTestId("signin-password").fill(PASSWORD);
    await again.page.getByTestId("signin-submit").click();
    await expect(again.page.getByTestId("current-user")).toHaveText(username);
  } finally {
    await again.context.close();
  }
});
