/**
 * A phone (390x844, touch): every message action through "⋯" and long-press, shown as a bottom
 * sheet, and the member list as a sheet from the room header, from which a DM opens.
 */
import type { Browser, Locator } from "@playwright/test";
import { AuthPage } from "./pages/auth";
import { ChatPage } from "./pages/chat";
import { expect, PASSWORD, test, uniqueName, type CspWatch } from "./fixtures";

async function phoneUser(browser: Browser, cspWatch: CspWatch, prefix: string) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  await cspWatch.attach(context);
  const page = await context.newPage();
  const username = uniqueName(prefix);
  const auth = new AuthPage(page);
  await auth.signUp(username, PASSWORD);
  await auth.expectSignedIn(username);
  return { context, page, username, chat: new ChatPage(page) };
}

/** A long press as a finger makes it: pointerdown, held until the menu opens, then lifted. */
async function longPress(row: Locator): Promise<void> {
  const box = (await row.boundingBox())!;
  const at = { pointerType: "touch", isPrimary: true, pointerId: 7, clientX: box.x + 40, clientY: box.y + box.height / 2 };
  await row.dispatchEvent("pointerdown", at);
  await expect(row.page().getByTestId("message-menu")).toBeVisible();
  await row.dispatchEvent("pointerup", at);
}

test("on a phone, ⋯ and long-press open a bottom sheet of actions: react, reply, edit, delete; members open as a sheet", async ({ browser, newUser, cspWatch }) => {
  const desk = await newUser("dsk");
  const roomName = uniqueName("pocket");
  const room = await desk.chat.createRoom(roomName);
  await desk.chat.sendAndWaitForAck("hello phone");

  const phone = await phoneUser(browser, cspWatch, "fon");
  try {
    const page = phone.page;
    await page.goto(`/rooms/${room}`);
    await page.getByTestId("join-room").tap();
    await expect(phone.chat.composer).toBeVisible();
    // No keyboard popping over the room on opening it.
    await expect(phone.chat.composer).not.toBeFocused();

    // "⋯" is shown on every message on a touch screen; the menu is a bottom sheet.
    const theirs = phone.chat.messages("hello phone");
    await expect(theirs.getByTestId("message-more")).toBeVisible();
    await theirs.getByTestId("message-more").tap();
    const menu = page.getByTestId("message-menu");
    await expect(menu).toHaveAttribute("data-sheet", "true");
    // Along the bottom of the screen, wherever the message is in the list.
    const menuBox = (await menu.boundingBox())!;
    expect(Math.abs(menuBox.y + menuBox.height - page.viewportSize()!.height)).toBeLessThan(2);
    await menu.getByRole("menuitem", { name: "React 🎉" }).tap();
    await expect(menu).toHaveCount(0);
    await expect(theirs.getByTestId("reaction")).toHaveAttribute("data-emoji", "🎉");
    await expect(desk.chat.messages("hello phone").getByTestId("reaction")).toHaveAttribute("title", `${phone.username} reacted with 🎉`);

    // Long-press → Reply.
    await longPress(theirs);
    await menu.getByRole("menuitem", { name: "Reply" }).tap();
    await expect(page.getByTestId("composer-reply")).toContainText("hello phone");
    await phone.chat.composer.fill("replied from my phone");
    await phone.chat.composer.press("Enter");
    const mine = phone.chat.messages("replied from my phone").and(page.locator('[data-state="sent"]'));
    await expect(mine.getByTestId("reply-quote-text")).toHaveText("hello phone");
    await expect(desk.chat.messages("replied from my phone").getByTestId("reply-quote-text")).toHaveText("hello phone");

    // Long-press → Edit.
    await longPress(mine);
    await menu.getByRole("menuitem", { name: "Edit" }).tap();
    const editBox = page.getByTestId("message-edit-input");
    await editBox.fill("edited from my phone");
    await editBox.press("Enter");
    await expect(desk.chat.messages("edited from my phone").getByTestId("message-edited")).toBeVisible();

    // ⋯ → Delete.
    const edited = phone.chat.messages("edited from my phone");
    await edited.getByTestId("message-more").tap();
    page.once("dialog", (dialog) => void dialog.accept());
    await menu.getByRole("menuitem", { name: "Delete" }).tap();
    await expect(desk.chat.messages("edited from my phone")).toHaveCount(0);
    await expect(desk.page.getByTestId("message").filter({ hasText: "This message was deleted" })).toHaveCount(1);

    // The member list opens as a sheet from the header; a DM starts from it.
    await page.getByTestId("member-count").tap();
    const sheet = page.getByTestId("member-sheet");
    await expect(sheet).toBeVisible();
    const other = sheet.locator(`[data-testid="member"][data-username="${desk.username}"]`);
    await other.getByTestId("member-toggle").tap();
    await other.getByTestId("member-message").tap();
    await expect(page.getByTestId("room-name")).toContainText(desk.username);
    await expect(sheet).toHaveCount(0);
    await phone.chat.composer.fill("a private word");
    await phone.chat.composer.press("Enter");
    await expect(phone.chat.messages("a private word").and(page.locator('[data-state="sent"]'))).toHaveCount(1);
  } finally {
    await phone.context.close();
  }
});
