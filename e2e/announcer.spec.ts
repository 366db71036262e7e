/**
 * Screen readers hear new messages, and only new ones: the message log is not a live region
 * itself (its rows mount and unmount as it scrolls), an off-screen announcer reads out the
 * latest messages from others as they arrive.
 */
import { expect, test } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";
import { apiToken, SeedSocket } from "./support/seed";

test("new messages from others are announced; one's own, and history scrolled into view, are not", async ({ newUser, baseURL }) => {
  const ann = await newUser("annc");
  const ben = await newUser("benc");
  const roomId = await meetInPublicRoom(ann, ben);
  const announcer = ann.page.getByTestId("message-announcer");
  await expect(ann.page.getByTestId("message-scroller")).toHaveAttribute("aria-live", "off");
  await expect(announcer).toHaveAttribute("aria-live", "polite");

  // Enough history that scrolling up mounts rows that were not on screen.
  const seeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, ben.username, ben.password), roomId);
  try {
    for (let n = 1; n <= 40; n++) await seeder.send(roomId, `older ${n}`);
  } finally {
    seeder.close();
  }
  await expect(ann.chat.messages("older 40")).toBeVisible();

  await ann.chat.sendAndWaitForAck("my own words");
  await ben.chat.sendAndWaitForAck("hello from ben");
  await expect(announcer).toContainText(`${ben.username}: hello from ben`);
  await expect(announcer).not.toContainText("my own words");
  // Each arrival replaces what was read out before (the seeded burst's last few).
  await expect(announcer.locator("p")).toHaveCount(1);

  await ann.page.getByTestId("message-scroller").evaluate((el) => (el.scrollTop = 0));
  await expect(ann.chat.messages("older 1")).toBeVisible();
  await expect(announcer.locator("p")).toHaveCount(1);
  await expect(announcer).not.toContainText("older");
});
