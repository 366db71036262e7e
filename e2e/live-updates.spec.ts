/**
 * Live updates that reach another user's open tab without a reload: reactions from the picker,
 * room settings (`room_updated`), a kick, a mute (and its reason after a reload), and a direct
 * message opened by someone else (`room_added`).
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ManagePage } from "./pages/manage";
import { meetInPublicRoom } from "./support/scenarios";

/** Marks the current document; `expectSameDocument` proves no reload or navigation replaced it. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __e2eMark?: boolean }).__e2eMark = true));
}
async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark)).toBe(true);
}

test("the reaction picker adds a reaction that both members see", async ({ newUser }) => {
  const a = await newUser("vic");
  const b = await newUser("wes");
  await meetInPublicRoom(a, b);
  await a.chat.sendAndWaitForAck("launch is tomorrow");
  const row = b.chat.messages("launch is tomorrow");
  await expect(row).toHaveCount(1);

  await row.hover();
  await row.getByTestId("reaction-picker-open").click();
  const picker = row.getByTestId("reaction-picker");
  await expect(picker).toBeVisible();
  // 🚀 is only in the picker, not in the quick bar.
  await picker.getByRole("menuitem", { name: "React 🚀" }).click();
  await expect(picker).toHaveCount(0);

  const mine = row.locator('[data-testid="reaction"][data-emoji="🚀"]');
  await expect(mine).toHaveText("🚀 1");
  await expect(mine).toHaveAttribute("data-mine", "true");
  const theirs = a.chat.messages("launch is tomorrow").locator('[data-testid="reaction"][data-emoji="🚀"]');
  await expect(theirs).toHaveText("🚀 1");
  await expect(theirs).toHaveAttribute("data-mine", "false");
});

test("a topic changed in the admin panel updates the other member's header live", async ({ newUser }) => {
  const owner = await newUser("xan");
  const member = await newUser("yul");
  await meetInPublicRoom(owner, member);
  await expect(member.page.getByTestId("room-topic")).toHaveText("e2e chatter");
  await markDocument(member.page);

  const panel = new ManagePage(owner.page);
  await panel.open();
  await panel.setTopic("release planning only");

  await expect(member.page.getByTestId("room-topic")).toHaveText("release planning only");
  await expectSameDocument(member.page);
});

test("a kicked member sees the removal live and loses the room from the sidebar", async ({ newUser }) => {
  const owner = await newUser("zed");
  const member = await newUser("abe");
  const roomId = await meetInPublicRoom(owner, member);
  await markDocument(member.page);

  const panel = new ManagePage(owner.page);
  await panel.open();
  await panel.kick(member.username, "off topic");

  await expect(member.page.getByTestId("room-removed")).toHaveAttribute("data-kind", "kicked");
  await expect(member.page.getByTestId("room-removed")).toContainText("You were removed from this room");
  await expect(member.page.getByTestId("room-removed-reason")).toHaveText("Reason: off topic");
  await expect(member.chat.roomLink(roomId)).toHaveCount(0);
  await expect(member.chat.composer).toHaveCount(0);
  await expectSameDocument(member.page);
});

test("a mute's reason is shown live and still shown after a reload", async ({ newUser }) => {
  const owner = await newUser("bea");
  const member = await newUser("cal");
  await meetInPublicRoom(owner, member);

  const panel = new ManagePage(owner.page);
  await panel.open();
  await panel.mute(member.username, "3600", "too many links");
  const banner = member.page.getByTestId("composer-blocked");
  await expect(banner).toContainText("You are muted until");
  await expect(banner).toContainText("Reason: too many links");

  // After a reload the mute comes from the room's member list (muted_until + muted_reason).
  await member.page.reload();
  await expect(member.chat.composer).toBeDisabled();
  await expect(banner).toContainText("You are muted until");
  await expect(banner).toContainText("Reason: too many links");
});

test("a direct message opened by one user appears in the other's sidebar live", async ({ newUser }) => {
  const a = await newUser("dot");
  const b = await newUser("eve");
  await meetInPublicRoom(a, b);
  await expect(b.page.getByTestId("direct-rooms").getByTestId("dm-link")).toHaveCount(0);
  await markDocument(b.page);

  const bInList = a.chat.member(b.username);
  await bInList.getByTestId("member-toggle").click();
  await bInList.getByTestId("member-message").click();
  await expect(a.page.getByTestId("room-name")).toContainText(b.username);
  const dm = a.chat.roomIdFromUrl();

  // room_added reaches B's socket; the sidebar refreshes without a reload.
  await expect(b.chat.roomLink(dm).getByTestId("dm-name")).toHaveText(a.username);
  await expectSameDocument(b.page);

  // And the conversation works from there.
  await a.chat.sendAndWaitForAck("got a minute?");
  await b.chat.roomLink(dm).click();
  await expect(b.chat.messages("got a minute?")).toHaveCount(1);
});
