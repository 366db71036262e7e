/**
 * Long rooms: the latest page first, older pages on scroll-up without losing the reader's
 * place, and following new messages only when the reader is at the bottom.
 */
import { expect, test, uniqueName } from "./fixtures";
import { goOffline, goOnline, meetInPublicRoom } from "./support/scenarios";
import { SeedSocket, apiToken } from "./support/seed";

const TOTAL = 120;
const label = (n: number) => `history message ${String(n).padStart(3, "0")}`;

test("history pages in on scroll-up, keeping the scroll position, and new messages follow the bottom", async ({ newUser, baseURL }) => {
  const a = await newUser("ivy");
  const roomName = uniqueName("long");
  const roomId = await a.chat.createRoom(roomName);
  await a.page.goto("/");

  const seeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, a.username, a.password), roomId);
  try {
    for (let n = 1; n <= TOTAL; n++) await seeder.send(roomId, label(n));

    await a.page.getByTestId("room-link").filter({ hasText: roomName }).click();
    const loaded = a.chat.messageList;
    await expect(loaded).toHaveAttribute("data-loaded-messages", "50");
    await expect(a.chat.messages(label(TOTAL))).toBeInViewport();
    await expect(a.chat.messages(label(TOTAL - 50))).toHaveCount(0);

    // Scroll to the top: the previous page is prepended and the oldest row we had stays put.
    const oldestLoaded = a.chat.messages(label(TOTAL - 49));
    const scroller = a.page.getByTestId("message-scroller");
    await scroller.evaluate((el) => (el.scrollTop = 0));
    await expect(loaded).toHaveAttribute("data-loaded-messages", "100");
    await expect(oldestLoaded).toBeInViewport();
    await expect(a.chat.messages(label(TOTAL - 99))).not.toBeInViewport();

    await scroller.evaluate((el) => (el.scrollTop = 0));
    await expect(loaded).toHaveAttribute("data-loaded-messages", String(TOTAL));
    await expect(a.page.getByText("This is the beginning of the room.")).toBeVisible();
    // The list mounts the rows near the view: the first message is there once scrolled to.
    await scroller.evaluate((el) => (el.scrollTop = 0));
    await expect(a.chat.messages(label(1))).toBeInViewport();

    // Scrolled up: a new message does not move the view; a jump button offers it instead.
    await seeder.send(roomId, "arrives while reading old stuff");
    await expect(a.page.getByTestId("jump-to-latest")).toBeVisible();
    await expect(a.chat.messages("arrives while reading old stuff")).not.toBeInViewport();
    await a.page.getByTestId("jump-to-latest").click();
    await expect(a.chat.messages("arrives while reading old stuff")).toBeInViewport();

    // At the bottom: new messages scroll into view by themselves.
    await seeder.send(roomId, "arrives while at the bottom");
    await expect(a.chat.messages("arrives while at the bottom")).toBeInViewport();
    await expect(a.page.getByTestId("jump-to-latest")).toHaveCount(0);
  } finally {
    seeder.close();
  }
});

test("a client that missed more than the replay limit fills the gap over REST", async ({ newUser, baseURL }) => {
  const a = await newUser("kim");
  const b = await newUser("lou");
  const roomId = await meetInPublicRoom(a, b);
  const MISSED = 230; // > REPLAY_LIMIT (200): the join answers with a `gap` for the oldest 30

  const away = await goOffline(b);
  const seeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, a.username, a.password), roomId);
  try {
    for (let n = 1; n <= MISSED; n++) await seeder.send(roomId, label(n));
  } finally {
    seeder.close();
  }
  await goOnline(b, roomId, away);

  await expect(b.chat.messages(label(MISSED))).toHaveCount(1);
  // The room's history starts with lou's join line; the missed messages follow it, gap-free. The
  // list mounts only the rows near the view: read them all by scrolling through it.
  await expect.poll(() => b.chat.loadedSeqs()).toEqual(Array.from({ length: MISSED }, (_, i) => i + 2));
  await expect(b.chat.messages(label(MISSED))).toHaveCount(1);
});
