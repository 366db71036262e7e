/**
 * Every message action without a mouse (roving focus in the list, the actions menu), the app's
 * shortcuts and their `?` help, skip links, and the composer's explanations (slow mode, a
 * blocked conversation) and the reaction tooltips.
 */
import type { Locator, Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

/** Moves through the open actions menu with the arrow keys until `name` has focus, then presses Enter. */
async function chooseFromMenu(page: Page, name: string): Promise<void> {
  const menu = page.getByTestId("message-menu");
  await expect(menu).toBeVisible();
  const item = menu.getByRole("menuitem", { name, exact: true });
  for (let i = 0; i < 20; i++) {
    if (await item.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("ArrowDown");
  }
  await expect(item).toBeFocused();
  await page.keyboard.press("Enter");
}

/** From the composer, Shift+Tab reaches the list's one tabbable row (the newest message). */
async function tabIntoList(page: Page, expected: Locator): Promise<void> {
  await expect(page.getByTestId("composer-input")).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(expected).toBeFocused();
}

/**
 * From the composer back into the list (Shift+Tab passes the controls inside the remembered
 * row, such as its reaction chips), then End and ↑ up to `target`.
 */
async function arrowTo(page: Page, target: Locator): Promise<void> {
  await expect(page.getByTestId("composer-input")).toBeFocused();
  const onRow = () => page.evaluate(() => document.activeElement?.matches("[data-message-id]") ?? false);
  for (let i = 0; i < 4 && !(await onRow()); i++) await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("End");
  for (let i = 0; i < 10; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("ArrowUp");
  }
  await expect(target).toBeFocused();
}

test("every message action by keyboard alone: arrows, the menu, react, reply, edit, delete", async ({ newUser }) => {
  const a = await newUser("kay");
  const page = a.page;
  await a.chat.createRoom(uniqueName("keys"));
  // The composer is ready to type in when a room opens.
  await expect(a.chat.composer).toBeFocused();
  for (const text of ["first by keys", "second by keys", "third by keys"]) {
    await page.keyboard.type(text);
    await page.keyboard.press("Enter");
    await expect(a.chat.messages(text).and(page.locator('[data-state="sent"]'))).toHaveCount(1);
  }
  const first = a.chat.messages("first by keys");
  const second = a.chat.messages("second by keys");
  const third = a.chat.messages("third by keys");

  // One row is in the Tab order; arrows move between rows.
  await tabIntoList(page, third);
  await expect(page.locator('[data-message-id][tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press("ArrowUp");
  await expect(second).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(first).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(second).toBeFocused();
  await page.keyboard.press("End");
  await expect(third).toBeFocused();
  await page.keyboard.press("Home");
  await expect(page.locator("[data-message-id]").first()).toBeFocused();
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  await expect(first).toBeFocused();

  // Enter opens the menu on its first item; Escape gives focus back to the message.
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("message-menu")).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "React 👍" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("message-menu")).toHaveCount(0);
  await expect(first).toBeFocused();

  // React.
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect(first.getByTestId("reaction")).toHaveAttribute("data-emoji", "👍");
  await expect(first.getByTestId("reaction")).toHaveAttribute("data-mine", "true");
  await expect(first.getByTestId("reaction")).toHaveAttribute("title", "You reacted with 👍");
  await expect(first).toBeFocused();

  // Reply (Shift+F10 opens the menu too): focus moves to the composer; Escape cancels the reply.
  await page.keyboard.press("Shift+F10");
  await chooseFromMenu(page, "Reply");
  await expect(page.getByTestId("composer-reply")).toContainText("first by keys");
  await expect(a.chat.composer).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("composer-reply")).toHaveCount(0);
  // The list remembers the row last focused: Shift+Tab comes back to it (through its reaction chip).
  await page.keyboard.press("Shift+Tab");
  await expect(first.getByTestId("reaction")).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(first).toBeFocused();
  await page.keyboard.press("Enter");
  await chooseFromMenu(page, "Reply");
  await expect(a.chat.composer).toBeFocused();
  await page.keyboard.type("answer by keys");
  await page.keyboard.press("Enter");
  const answer = a.chat.messages("answer by keys").and(page.locator('[data-state="sent"]'));
  await expect(answer.getByTestId("reply-quote-text")).toHaveText("first by keys");

  // Edit: the edit box takes focus; Enter saves and focus returns to the message.
  await arrowTo(page, second);
  await page.keyboard.press("Enter");
  await chooseFromMenu(page, "Edit");
  const editBox = page.getByTestId("message-edit-input");
  await expect(editBox).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("second, edited by keys");
  await page.keyboard.press("Enter");
  const edited = a.chat.messages("second, edited by keys");
  await expect(edited.getByTestId("message-edited")).toBeVisible();
  await expect(edited).toBeFocused();

  // Delete, after the browser's confirmation.
  await page.keyboard.press("ArrowDown");
  await expect(third).toBeFocused();
  page.once("dialog", (dialog) => void dialog.accept());
  await page.keyboard.press("Enter");
  await chooseFromMenu(page, "Delete");
  await expect(page.getByTestId("message").filter({ hasText: "This message was deleted" })).toHaveCount(1);
  await expect(third).toHaveCount(0);
});

test("shortcuts: ? lists them, Alt+Down and Alt+Up switch rooms, Ctrl+K jumps to a room, skip links", async ({ newUser }) => {
  const a = await newUser("alt");
  const page = a.page;
  const firstName = uniqueName("alpha");
  const first = await a.chat.createRoom(firstName);
  const second = await a.chat.createRoom(uniqueName("beta"));
  await a.chat.sendAndWaitForAck("a message to land on");

  // Typed into the composer, `?` is text.
  await a.chat.composer.press("?");
  await expect(a.chat.composer).toHaveValue("?");
  await expect(page.getByTestId("shortcut-help")).toHaveCount(0);
  await a.chat.composer.press("Backspace");

  // Elsewhere it opens the list of shortcuts; Escape closes it.
  await page.keyboard.press("Shift+Tab");
  await expect(a.chat.messages("a message to land on")).toBeFocused();
  await page.keyboard.press("?");
  const help = page.getByTestId("shortcut-help");
  await expect(help).toBeVisible();
  await expect(help.getByRole("heading", { name: "Keyboard shortcuts" })).toBeVisible();
  for (const keys of ["Ctrl+K / ⌘K", "Alt+↑ / Alt+↓", "Alt+Shift+↑ / Alt+Shift+↓", "?", "Escape"]) {
    await expect(help.getByTestId("shortcut").filter({ hasText: keys }).first()).toBeVisible();
  }
  await page.keyboard.press("Escape");
  await expect(help).toHaveCount(0);
  await expect(a.chat.messages("a message to land on")).toBeFocused();

  // Alt+Down / Alt+Up follow the sidebar's order.
  const order = await page.locator('[data-testid="room-link"], [data-testid="dm-link"]').evaluateAll((links) => links.map((l) => l.getAttribute("data-room-id")));
  const at = order.indexOf(second);
  const below = order[(at + 1) % order.length]!;
  await page.keyboard.press("Alt+ArrowDown");
  await expect(page).toHaveURL(new RegExp(`/rooms/${below}$`));
  await page.keyboard.press("Alt+ArrowUp");
  await expect(page).toHaveURL(new RegExp(`/rooms/${second}$`));
  await expect(a.chat.composer).toBeFocused();

  // Ctrl/Cmd+K: type part of a room's name, Enter opens it.
  await page.keyboard.press("ControlOrMeta+k");
  await expect(page.getByTestId("search-dialog")).toBeVisible();
  await page.keyboard.type(firstName.slice(0, 9));
  await expect(page.locator(`[data-testid="switcher-room"][data-room-id="${first}"]`)).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/rooms/${first}$`));
  await expect(page.getByTestId("search-dialog")).toHaveCount(0);

  // The skip links are the page's first Tab stops, before the banners and the sidebar, and
  // show when focused.
  await page.goto(`/rooms/${second}`);
  await expect(a.chat.messages("a message to land on")).toBeVisible();
  const home = page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: "Confab" });
  const backTo = async (testId: string) => {
    await home.focus();
    for (let i = 0; i < 8 && !(await page.getByTestId(testId).evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Shift+Tab");
  };
  await backTo("skip-to-messages");
  await expect(page.getByTestId("skip-to-messages")).toBeFocused();
  await expect(page.getByTestId("skip-to-messages")).toBeVisible();
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByTestId("skip-to-composer")).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  // Nothing before them: focus leaves the page's content.
  await expect(page.locator("body :focus")).toHaveCount(0);
  await backTo("skip-to-messages");
  await page.keyboard.press("Enter");
  await expect(a.chat.messages("a message to land on")).toBeFocused();
  await backTo("skip-to-composer");
  await expect(page.getByTestId("skip-to-composer")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(a.chat.composer).toBeFocused();
});

test("Escape closes the create-room form", async ({ newUser }) => {
  const a = await newUser("esc");
  await a.page.getByTestId("create-room-open").click();
  await expect(a.page.getByTestId("create-room-name")).toBeFocused();
  await a.page.keyboard.press("Escape");
  await expect(a.page.getByTestId("create-room-form")).toHaveCount(0);
  await expect(a.page.getByTestId("create-room-open")).toBeFocused();
});

test("slow mode counts down in the composer instead of leaving the message sending", async ({ newUser }) => {
  const owner = await newUser("slo");
  const member = await newUser("mem");
  await meetInPublicRoom(owner, member);
  await owner.page.getByTestId("manage-room").click();
  await owner.page.getByTestId("settings-slow-mode").fill("6");
  await owner.page.getByTestId("settings-save").click();
  await expect(owner.page.getByTestId("settings-saved")).toBeVisible();

  await member.chat.sendAndWaitForAck("slow one");
  await member.chat.send("slow two");
  const wait = member.page.getByTestId("composer-wait");
  await expect(wait).toHaveText(/^Slow mode: you can send again in [1-6] s$/);
  const secondsLeft = async () => Number(/in (\d+) s/.exec((await wait.textContent()) ?? "")?.[1] ?? NaN);
  const shown = await secondsLeft();
  // It counts down…
  await expect.poll(secondsLeft, { timeout: 10_000 }).toBeLessThan(shown);
  // …and the message goes out by itself when the wait is over.
  await expect(member.chat.messages("slow two").and(member.page.locator('[data-state="sent"]'))).toHaveCount(1, { timeout: 15_000 });
  await expect(wait).toHaveCount(0);
});

test("a blocked conversation disables the composer and says why, on both sides", async ({ newUser }) => {
  const a = await newUser("blk");
  const b = await newUser("bld");
  await meetInPublicRoom(a, b);
  await a.chat.member(b.username).getByTestId("member-toggle").click();
  await a.chat.member(b.username).getByTestId("member-message").click();
  await expect(a.page.getByTestId("room-name")).toContainText(b.username);
  const dm = a.chat.roomIdFromUrl();
  await a.chat.sendAndWaitForAck("before the block");

  await a.chat.member(b.username).getByTestId("member-toggle").click();
  await a.chat.member(b.username).getByTestId("member-block").click();
  await expect(a.page.getByTestId("composer-blocked")).toHaveText(`You blocked ${b.username} — unblock them to send messages here.`);
  await expect(a.chat.composer).toBeDisabled();

  await b.page.goto(`/rooms/${dm}`);
  // A loaded machine can take a while to open a fresh page's socket and room.
  await expect(b.page.getByTestId("room-name")).toBeVisible({ timeout: 30_000 });
  await expect(b.page.getByTestId("composer-blocked")).toHaveText(`${a.username} does not accept messages from you.`);
  await expect(b.chat.composer).toBeDisabled();

  // Unblocking opens the conversation again at once.
  await a.chat.member(b.username).getByTestId("member-block").click();
  await expect(a.page.getByTestId("composer-blocked")).toHaveCount(0);
  await expect(a.chat.composer).toBeEnabled();
});

test("a reaction's tooltip says who reacted", async ({ newUser }) => {
  const a = await newUser("rea");
  const b = await newUser("reb");
  await meetInPublicRoom(a, b);
  await a.chat.sendAndWaitForAck("react to this");
  await a.chat.react("react to this", "🎉");
  const chipForB = b.chat.messages("react to this").getByTestId("reaction");
  await expect(chipForB).toHaveAttribute("title", `${a.username} reacted with 🎉`);
  await chipForB.click();
  await expect(chipForB).toHaveAttribute("title", `You and ${a.username} reacted with 🎉`);
  await expect(a.chat.messages("react to this").getByTestId("reaction")).toHaveAttribute("title", `You and ${b.username} reacted with 🎉`);
});

test("room settings errors point at their field", async ({ newUser }) => {
  const a = await newUser("set");
  await a.chat.createRoom(uniqueName("fields"));
  await a.page.getByTestId("manage-room").click();
  const slow = a.page.getByTestId("settings-slow-mode");

  // Checked in the browser: not a number.
  await slow.fill("soon");
  await a.page.getByTestId("settings-save").click();
  const slowError = a.page.getByTestId("settings-slow-mode-error");
  await expect(slowError).toHaveText("Slow mode must be a number of seconds.");
  await expect(slow).toHaveAttribute("aria-invalid", "true");
  await expect(slow).toHaveAttribute("aria-describedby", (await slowError.getAttribute("id"))!);
  await expect(a.page.getByTestId("settings-retention")).not.toHaveAttribute("aria-invalid", "true");

  // Refused by the server, which names the field.
  await slow.fill("99999");
  await a.page.getByTestId("settings-save").click();
  await expect(slowError).toBeVisible();
  await expect(slowError).not.toHaveText("Slow mode must be a number of seconds.");
  await expect(slow).toHaveAttribute("aria-invalid", "true");
  await expect(a.page.getByTestId("settings-saved")).toHaveCount(0);

  // Correcting the field clears its error.
  await slow.fill("0");
  await expect(slowError).toHaveCount(0);
  await a.page.getByTestId("settings-member-limit").fill("many");
  await a.page.getByTestId("settings-save").click();
  await expect(a.page.getByTestId("settings-member-limit-error")).toHaveText("The member limit must be a number.");
  await expect(a.page.getByTestId("settings-member-limit")).toHaveAttribute("aria-invalid", "true");
});

test("Alt+Shift+Down and Alt+Shift+Up go to the next room with unread messages, skipping read ones", async ({ newUser }) => {
  const a = await newUser("unr");
  const b = await newUser("unb");
  const busy = await meetInPublicRoom(a, b);
  const quiet = await a.chat.createRoom(uniqueName("quiet"));
  const here = await a.chat.createRoom(uniqueName("here"));
  // With three rooms, one of the two directions passes the quiet room first: both must skip it.
  for (const [direction, text] of [["ArrowDown", "news for you"], ["ArrowUp", "more news"]] as const) {
    await b.chat.sendAndWaitForAck(text);
    await expect(a.chat.unreadBadge(busy)).toHaveText("1");
    await expect(a.chat.unreadBadge(quiet)).toHaveCount(0);
    await a.page.keyboard.press(`Alt+Shift+${direction}`);
    await expect(a.page).toHaveURL(new RegExp(`/rooms/${busy}$`));
    await expect(a.chat.messages(text)).toBeVisible();
    await a.chat.openRoom(here);
  }
});
