/** Mentions in the browser: composer autocomplete by keyboard, the highlight of a mention of you, the sidebar badge. */
import { expect, test } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("@ autocompletes room members by keyboard, and the mentioned member sees it highlighted and badged", async ({ newUser }) => {
  const a = await newUser("amy");
  const b = await newUser("bea");
  const roomId = await meetInPublicRoom(a, b);
  // Bob is elsewhere (the home page) when he is mentioned: the sidebar shows the mention badge.
  await b.page.goto("/");
  await expect(b.chat.roomLink(roomId)).toBeVisible();

  const listbox = a.page.getByRole("listbox", { name: "Mention someone" });
  await a.chat.composer.fill("");
  await a.chat.composer.pressSequentially(`hi @${b.username.slice(0, 4)}`);
  await expect(listbox).toBeVisible();
  const options = listbox.getByRole("option");
  await expect(options.first()).toHaveAttribute("data-username", b.username);
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await expect(a.chat.composer).toHaveAttribute("aria-activedescendant", (await options.first().getAttribute("id"))!);

  // Escape closes without sending or changing the text; typing on opens it again.
  await a.chat.composer.press("Escape");
  await expect(listbox).toBeHidden();
  await expect(a.chat.composer).toHaveValue(`hi @${b.username.slice(0, 4)}`);
  await a.chat.composer.pressSequentially(b.username.slice(4, 5));
  await expect(listbox).toBeVisible();

  // Arrow keys move the active option and wrap; Enter picks it instead of sending.
  const count = await options.count();
  await a.chat.composer.press("ArrowDown");
  await expect(options.nth(1 % count)).toHaveAttribute("aria-selected", "true");
  await a.chat.composer.press("ArrowUp");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await a.chat.composer.press("Enter");
  await expect(listbox).toBeHidden();
  await expect(a.chat.composer).toHaveValue(`hi @${b.username} `);
  await a.chat.composer.pressSequentially("look at this");
  await a.chat.composer.press("Enter");
  const text = `hi @${b.username} look at this`;
  await expect(a.chat.messages(text).and(a.page.locator('[data-state="sent"]'))).toHaveCount(1);

  // The owner is offered @here and @room; Tab picks too.
  await a.chat.composer.pressSequentially("@");
  await expect(options.filter({ hasText: "@room" })).toHaveCount(1);
  await a.chat.composer.pressSequentially("he");
  await expect(options.filter({ hasText: "@here" })).toHaveCount(1);
  await a.chat.composer.press("Tab");
  await expect(a.chat.composer).toHaveValue("@here ");
  await a.chat.composer.fill("");

  await expect(b.chat.roomLink(roomId).getByTestId("mention-count")).toHaveText("@1");
  await b.chat.openRoom(roomId);
  const row = b.chat.messages(text);
  await expect(row).toHaveAttribute("data-mentioned", "true");
  await expect(row).toHaveClass(/mention-row/);
  await expect(row.getByTestId("mention-me")).toHaveText(`@${b.username}`);
  // The author's copy mentions someone else: a mention token, but not theirs.
  await expect(a.chat.messages(text).getByTestId("mention")).toHaveText(`@${b.username}`);
  await expect(a.chat.messages(text)).not.toHaveAttribute("data-mentioned", "true");
  // Read: the badge is gone.
  await expect(b.chat.roomLink(roomId).getByTestId("mention-count")).toHaveCount(0);
});

test("a member is not offered @room, and the server refuses it with a notice", async ({ newUser }) => {
  const a = await newUser("cal");
  const b = await newUser("dot");
  await meetInPublicRoom(a, b);
  const listbox = b.page.getByRole("listbox", { name: "Mention someone" });
  await b.chat.composer.pressSequentially("@");
  await expect(listbox.getByRole("option").filter({ hasText: "@here" })).toHaveCount(1);
  await expect(listbox.getByRole("option").filter({ hasText: "@room" })).toHaveCount(0);
  await b.chat.composer.press("Escape");
  await b.chat.composer.fill("@room everyone look");
  await b.chat.composer.press("Enter");
  await expect(b.chat.messages("@room everyone look")).toHaveAttribute("data-state", "failed");
  await expect(a.chat.messages("@room everyone look")).toHaveCount(0);
});
