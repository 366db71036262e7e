/** Direct messages from the member list, blocking and unblocking, and a dead invitation link. */
import { expect, test } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("message a member directly, block and unblock them from settings", async ({ newUser }) => {
  const a = await newUser("dee");
  const b = await newUser("eli");
  await meetInPublicRoom(a, b);

  const bInList = a.chat.member(b.username);
  await bInList.getByTestId("member-toggle").click();
  await bInList.getByTestId("member-message").click();
  await expect(a.page.getByTestId("room-name")).toContainText(b.username);
  const dm = a.chat.roomIdFromUrl();
  await expect(a.chat.roomLink(dm).getByTestId("dm-name")).toHaveText(b.username);
  await a.chat.sendAndWaitForAck("just between us");

  await a.chat.member(b.username).getByTestId("member-toggle").click();
  await a.chat.member(b.username).getByTestId("member-block").click();
  await expect(a.chat.member(b.username).getByTestId("member-block")).toHaveText("Unblock");

  await a.page.getByTestId("settings-link").click();
  const blocked = a.page.locator(`[data-testid="blocked-user"][data-username="${b.username}"]`);
  await expect(blocked).toBeVisible();
  await blocked.getByTestId("unblock").click();
  await expect(blocked).toHaveCount(0);
});

test("an invalid invitation link says so plainly", async ({ page }) => {
  await page.goto("/invite/not-a-real-token-0123456789abcdef");
  await expect(page.getByTestId("invite-invalid")).toHaveText(/This invitation is invalid or has expired\./);
});
