/**
 * Long rooms stay light: the message list mounts only the rows near the view (virtualized), yet
 * every message is reachable by scrolling and the reader's place holds while older pages load.
 */
import { expect, test, uniqueName } from "./fixtures";
import { SeedSocket, apiToken } from "./support/seed";

const TOTAL = 600;
const PAGE = 50;
const label = (n: number) => `big room message ${String(n).padStart(3, "0")}`;

test("a room of 600 messages scrolls back to its first message with few rows in the DOM, keeping the place at each page", async ({ newUser, baseURL }) => {
  test.setTimeout(180_000);
  const a = await newUser("vera");
  const roomName = uniqueName("big");
  const roomId = await a.chat.createRoom(roomName);
  await a.page.goto("/");

  const seeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, a.username, a.password), roomId);
  try {
    for (let n = 1; n <= TOTAL; n++) await seeder.send(roomId, label(n));
  } finally {
    seeder.close();
  }

  await a.chat.openRoom(roomId);
  const list = a.chat.messageList;
  const mounted = a.page.locator('[data-testid="message"]');
  await expect(list).toHaveAttribute("data-loaded-messages", String(PAGE));
  await expect(a.chat.messages(label(TOTAL))).toBeInViewport();

  const scroller = a.page.getByTestId("message-scroller");
  for (let loaded = PAGE; loaded < TOTAL; loaded += PAGE) {
    // The oldest message held so far: it must stay on screen when the page above it arrives.
    const oldest = a.chat.messages(label(TOTAL - loaded + 1));
    await scroller.evaluate((el) => (el.scrollTop = 0));
    await expect(list).toHaveAttribute("data-loaded-messages", String(loaded + PAGE));
    await expect(oldest).toBeInViewport();
    await expect(a.chat.messages(label(TOTAL - loaded - PAGE + 1))).not.toBeInViewport();
    expect(await mounted.count()).toBeLessThan(80);
  }

  await scroller.evaluate((el) => (el.scrollTop = 0));
  await expect(a.page.getByText("This is the beginning of the room.")).toBeVisible();
  await expect(a.chat.messages(label(1))).toBeInViewport();
  // 600 messages held, a screenful (plus a few rows either side) mounted.
  await expect(list).toHaveAttribute("data-loaded-messages", String(TOTAL));
  expect(await mounted.count()).toBeLessThan(80);
  await expect(a.chat.messages(label(TOTAL))).toHaveCount(0);

  // Back at the bottom, a new message follows as usual.
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(a.chat.messages(label(TOTAL))).toBeInViewport();
  await a.chat.sendAndWaitForAck("after the long scroll");
  await expect(a.chat.messages("after the long scroll")).toBeInViewport();
});
