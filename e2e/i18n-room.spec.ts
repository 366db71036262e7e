/**
 * The room view in German: a browser that asks for `de-DE` gets the composer, the member count
 * (with its plural), the message actions and the room's event lines in German, and message
 * times in 24-hour German format, while an English reader of the same room keeps English.
 */
import { expect, test, uniqueName, PASSWORD } from "./fixtures";

test("a German browser reads the room in German: composer, member plural, 24-hour times, actions menu, event lines", async ({ browser, newUser, cspWatch }) => {
  const ann = await newUser("ann");
  const name = uniqueName("raum");
  const roomId = await ann.chat.createRoom(name);
  await ann.chat.sendAndWaitForAck("guten Morgen");

  const context = await browser.newContext({ locale: "de-DE" });
  await cspWatch.attach(context);
  try {
    const page = await context.newPage();
    const username = uniqueName("dora");
    await page.goto("/signup");
    await page.getByTestId("signup-username").fill(username);
    await page.getByTestId("signup-password").fill(PASSWORD);
    await page.getByTestId("signup-submit").click();
    await expect(page.getByTestId("current-user")).toHaveText(username);

    await page.goto(`/rooms/${roomId}`);
    await expect(page.getByText("Du siehst dir eine Vorschau dieses öffentlichen Raums an.")).toBeVisible();
    await page.getByTestId("join-room").click();

    const composer = page.getByTestId("composer-input");
    await expect(composer).toHaveAttribute("placeholder", `Nachricht an #${name}`);
    await expect(composer).toHaveAttribute("aria-label", `Nachricht an ${name}`);
    await expect(page.getByTestId("member-count")).toHaveText("2 Mitglieder");
    await expect(page.getByRole("complementary", { name: "Mitglieder" }).getByRole("heading")).toHaveText("Mitglieder · 2");
    // The same stored event line: worded from its fields for each reader.
    await expect(page.getByTestId("system-message").filter({ hasText: `${username} ist beigetreten` })).toHaveCount(1);
    await expect(ann.page.getByTestId("system-message").filter({ hasText: `${username} joined` })).toHaveCount(1);

    // Ann's message shows its time the German way: 24-hour "07:45", no AM/PM.
    const row = page.getByTestId("message").filter({ hasText: "guten Morgen" });
    const time = row.locator("time");
    const iso = await time.getAttribute("datetime");
    const german = await page.evaluate((at) => new Intl.DateTimeFormat("de-DE", { hour: "2-digit", minute: "2-digit" }).format(new Date(at!)), iso);
    expect(german).toMatch(/^\d{2}:\d{2}$/);
    await expect(time).toHaveText(german);
    await expect(time).toHaveAttribute("title", /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    await expect(ann.chat.messages("guten Morgen").locator("time")).toHaveText(/^\d{2}:\d{2} [AP]M$/);

    // The actions menu, in German.
    await row.hover();
    await row.getByTestId("message-more").click();
    const menu = page.getByRole("menu", { name: "Aktionen für die Nachricht" });
    await expect(menu).toBeVisible();
    for (const item of ["Weitere Reaktionen…", "Antworten", "Text kopieren", "Link kopieren"]) await expect(menu.getByRole("menuitem", { name: item, exact: true })).toBeVisible();
    await expect(menu.getByRole("menuitem", { name: "Mit 👍 reagieren" })).toBeVisible();
    await menu.getByRole("menuitem", { name: "Antworten", exact: true }).click();
    await expect(page.getByTestId("composer-reply")).toContainText(`Antwort an ${ann.username}: guten Morgen`);
    await expect(page.getByTestId("composer-reply-cancel")).toHaveAccessibleName("Antwort abbrechen");
  } finally {
    await context.close();
  }
});
