/**
 * The composer: `:shortcode:` conversion and the emoji picker (data from our own origin only),
 * the reaction picker's "more…", drafts that survive room switches and reloads, editing the
 * last message with Up (Escape cancels an edit or a reply), and landing on the first unread.
 */
import type { Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";
import { apiToken, SeedSocket } from "./support/seed";

/** Records every request the page makes to another origin; the composer must make none. */
function watchThirdParty(page: Page, baseURL: string): string[] {
  const origin = new URL(baseURL).host;
  const seen: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol.startsWith("http") && url.host !== origin) seen.push(req.url());
  });
  return seen;
}

test("shortcodes convert as you type and the emoji picker inserts, all from our own origin", async ({ newUser, baseURL }) => {
  const ann = await newUser("emoann");
  const thirdParty = watchThirdParty(ann.page, baseURL!);
  const shortcodes = ann.page.waitForResponse((res) => res.url().endsWith("/emojibase/en/shortcodes.json") && res.ok());
  await ann.chat.createRoom(uniqueName("emoji"));
  await shortcodes;

  await ann.chat.composer.pressSequentially("ship it :tada: :+1:");
  await expect(ann.chat.composer).toHaveValue("ship it 🎉 👍");
  // Unknown names and times stay as typed.
  await ann.chat.composer.pressSequentially(" at 10:30: :not_an_emoji_name:");
  await expect(ann.chat.composer).toHaveValue("ship it 🎉 👍 at 10:30: :not_an_emoji_name:");

  await ann.chat.composer.fill("launch ");
  const data = ann.page.waitForResponse((res) => res.url().endsWith("/emojibase/en/data.json") && res.ok());
  await ann.page.getByTestId("composer-emoji-open").click();
  await data;
  await ann.page.getByTestId("emoji-picker-search").fill("rocket");
  // By label: frimousse also renders hidden emoji it measures the layout with.
  await ann.page.getByTestId("emoji-picker").getByRole("gridcell", { name: "Rocket", exact: true }).click();
  await expect(ann.page.getByTestId("emoji-picker")).toHaveCount(0);
  await expect(ann.chat.composer).toHaveValue("launch 🚀");
  await ann.chat.composer.press("Enter");
  await expect(ann.chat.messages("launch 🚀").and(ann.page.locator('[data-state="sent"]'))).toHaveCount(1);
  expect(thirdParty).toEqual([]);
});

test("the reaction picker's more… opens the full picker, and its 👍 is the quick bar's 👍", async ({ newUser, baseURL }) => {
  const bea = await newUser("reactbea");
  const thirdParty = watchThirdParty(bea.page, baseURL!);
  await bea.chat.createRoom(uniqueName("react"));
  await bea.chat.sendAndWaitForAck("react to me");
  const row = bea.chat.messages("react to me");

  await row.hover();
  await row.getByTestId("reaction-picker-open").click();
  await row.getByTestId("reaction-picker-more").click();
  await row.getByTestId("reaction-full-picker-search").fill("rocket");
  await row.getByTestId("reaction-full-picker").getByRole("gridcell", { name: "Rocket", exact: true }).click();
  await expect(row.getByTestId("reaction").filter({ hasText: "🚀" })).toHaveAttribute("data-mine", "true");

  await bea.chat.react("react to me", "👍");
  await expect(row.locator('[data-testid="reaction"][data-emoji="👍"]')).toHaveText("👍 1");
  // Picking "thumbs up" in the full picker is the same reaction: it toggles it off.
  await row.hover();
  await row.getByTestId("reaction-picker-open").click();
  await row.getByTestId("reaction-picker-more").click();
  await row.getByTestId("reaction-full-picker-search").fill("thumbs up");
  await row.getByTestId("reaction-full-picker").getByRole("gridcell", { name: "Thumbs up", exact: true }).click();
  await expect(row.locator('[data-testid="reaction"][data-emoji="👍"]')).toHaveCount(0);
  await expect(row.getByTestId("reaction")).toHaveCount(1);
  expect(thirdParty).toEqual([]);
});

test("drafts survive switching rooms and reloading, and are cleared by sending", async ({ newUser }) => {
  const cal = await newUser("draftcal");
  const first = await cal.chat.createRoom(uniqueName("drafta"));
  const second = await cal.chat.createRoom(uniqueName("draftb"));

  await cal.chat.composer.fill("half-written for B");
  await cal.chat.openRoom(first);
  await expect(cal.chat.composer).toHaveValue("");
  await cal.chat.composer.fill("half-written\nfor A");
  await cal.chat.openRoom(second);
  await expect(cal.chat.composer).toHaveValue("half-written for B");
  await cal.chat.openRoom(first);
  await expect(cal.chat.composer).toHaveValue("half-written\nfor A");

  await cal.page.reload();
  await expect(cal.chat.composer).toHaveValue("half-written\nfor A");
  await cal.chat.composer.press("Enter");
  await expect(cal.page.getByTestId("message").filter({ hasText: "for A" }).and(cal.page.locator('[data-state="sent"]'))).toHaveCount(1);
  await expect(cal.chat.composer).toHaveValue("");
  await cal.page.reload();
  await expect(cal.page.getByTestId("message").filter({ hasText: "for A" })).toHaveCount(1);
  await expect(cal.chat.composer).toHaveValue("");
  await cal.chat.openRoom(second);
  await expect(cal.chat.composer).toHaveValue("half-written for B");
});

test("Up in an empty composer edits the last message; Escape cancels an edit or a reply", async ({ newUser }) => {
  const dan = await newUser("editdan");
  await dan.chat.createRoom(uniqueName("edit"));
  await dan.chat.sendAndWaitForAck("an older message");
  await dan.chat.sendAndWaitForAck("frist version");

  await dan.chat.composer.press("ArrowUp");
  await expect(dan.page.getByTestId("composer-editing")).toBeVisible();
  await expect(dan.chat.composer).toHaveValue("frist version");
  await dan.chat.composer.fill("first version");
  await dan.chat.composer.press("Enter");
  await expect(dan.page.getByTestId("composer-editing")).toHaveCount(0);
  await expect(dan.chat.composer).toHaveValue("");
  const edited = dan.chat.messages("first version");
  await expect(edited.getByTestId("message-edited")).toBeVisible();
  await expect(dan.chat.messages("an older message").getByTestId("message-edited")).toHaveCount(0);

  // Escape leaves the message and the (empty) composer as they were.
  await dan.chat.composer.press("ArrowUp");
  await expect(dan.chat.composer).toHaveValue("first version");
  await dan.chat.composer.press("Escape");
  await expect(dan.page.getByTestId("composer-editing")).toHaveCount(0);
  await expect(dan.chat.composer).toHaveValue("");
  // Up with text in the composer is just a caret move.
  await dan.chat.composer.fill("typing");
  await dan.chat.composer.press("ArrowUp");
  await expect(dan.page.getByTestId("composer-editing")).toHaveCount(0);
  await expect(dan.chat.composer).toHaveValue("typing");

  await edited.hover();
  await edited.getByTestId("message-reply").click();
  await expect(dan.page.getByTestId("composer-reply")).toBeVisible();
  await dan.chat.composer.press("Escape");
  await expect(dan.page.getByTestId("composer-reply")).toHaveCount(0);
});

test("opening a room with unread messages lands on the first unread, with a jump back to it", async ({ newUser, baseURL }) => {
  const eli = await newUser("unreadeli");
  const fay = await newUser("unreadfay");
  const roomId = await meetInPublicRoom(eli, fay);
  await fay.chat.sendAndWaitForAck("read before leaving");
  const elsewhere = await fay.chat.createRoom(uniqueName("elsewhere"));

  const UNREAD = 60;
  let lastSeq = 0;
  const seeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, eli.username, eli.password), roomId);
  try {
    for (let n = 1; n <= UNREAD; n++) lastSeq = (await seeder.send(roomId, `unread ${n}`)).seq;
  } finally {
    seeder.close();
  }
  await expect(fay.chat.unreadBadge(roomId)).toBeVisible();

  await fay.chat.openRoom(roomId);
  await expect(fay.chat.newMessagesDivider).toBeInViewport();
  const firstAfterDivider = fay.page.locator('[data-testid="new-messages-divider"] + [data-testid="message"]');
  // Every message up to the last unread is held (rows are numbered in the room by seq), though
  // the list mounts only the rows near the view.
  await expect(firstAfterDivider).toHaveAttribute("aria-setsize", String(lastSeq));
  await expect(firstAfterDivider.getByTestId("message-content")).toHaveText("unread 1");
  await expect(firstAfterDivider).toBeInViewport();
  await expect(fay.chat.messages(`unread ${UNREAD}`)).not.toBeInViewport();
  await expect(fay.page.getByTestId("jump-to-unread")).toHaveCount(0);

  // Read down to the end: the divider scrolls away and the control brings it back.
  await fay.page.getByTestId("message-scroller").evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(fay.chat.messages(`unread ${UNREAD}`)).toBeInViewport();
  await expect(fay.page.getByTestId("jump-to-unread")).toBeVisible();
  await fay.page.getByTestId("jump-to-unread").click();
  await expect(fay.chat.newMessagesDivider).toBeInViewport();
  await expect(fay.page.getByTestId("jump-to-unread")).toHaveCount(0);
  await fay.chat.openRoom(elsewhere);
  await expect(fay.chat.unreadBadge(roomId)).toHaveCount(0);
});
