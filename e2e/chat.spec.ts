/**
 * Issue #2: two people chat live, and a client that drops off the network catches up on
 * reconnect (re-join with `since`) and delivers what it wrote while offline (the outbox),
 * each message exactly once on both sides.
 */
import { expect, test, uniqueName } from "./fixtures";
import { goOffline, goOnline, meetInPublicRoom } from "./support/scenarios";

test("two users chat both ways live, and a reconnecting client sees missed messages exactly once", async ({ newUser }) => {
  const a = await newUser("alice");
  const b = await newUser("bob");
  const room = await meetInPublicRoom(a, b);

  await a.chat.sendAndWaitForAck("hello from alice");
  await expect(b.chat.messages("hello from alice")).toHaveCount(1);
  await expect(b.chat.messages("hello from alice").getByTestId("message-sender")).toHaveText(a.username);

  await b.chat.sendAndWaitForAck("hi alice, bob here");
  await expect(a.chat.messages("hi alice, bob here")).toHaveCount(1);

  // Content is text, never HTML.
  const markup = `<img src=x onerror="window.__xss=1"><b>bold?</b>`;
  await a.chat.sendAndWaitForAck(markup);
  await expect(b.chat.messages(markup)).toHaveCount(1);
  expect(await b.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await expect(b.page.locator('[data-testid="message-content"] img')).toHaveCount(0);

  // One socket per tab, kept across sign-in and room navigation.
  expect(b.sockets.sockets.length).toBe(1);

  const away = await goOffline(b);
  await a.chat.sendAndWaitForAck("sent while bob was away");
  // Acked to A (stored and broadcast), yet B has no socket to receive it on.
  await expect(b.chat.messages("sent while bob was away")).toHaveCount(0);

  // Delivered by the new socket's re-join replay (`since` = last seq B held).
  await goOnline(b, room, away);
  await expect(b.chat.messages("sent while bob was away")).toHaveCount(1);

  // A full round trip after the replay: anything duplicated would have arrived by now.
  await b.chat.sendAndWaitForAck("bob is back");
  await expect(a.chat.messages("bob is back")).toHaveCount(1);
  await expect(b.chat.messages("sent while bob was away")).toHaveCount(1);
  await expect(b.chat.messages("hello from alice")).toHaveCount(1);
  // Every message B holds appears once, in seq order.
  const seqs = await b.page.locator('[data-testid="message"][data-state="sent"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-seq"))));
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  expect(new Set(seqs).size).toBe(seqs.length);
});

test("a message written while offline waits in the outbox and is delivered exactly once on reconnect", async ({ newUser }) => {
  const a = await newUser("amy");
  const b = await newUser("ben");
  const room = await meetInPublicRoom(a, b);
  await a.chat.sendAndWaitForAck("are you there?");
  await expect(b.chat.messages("are you there?")).toHaveCount(1);

  const away = await goOffline(b);
  await b.chat.send("typed on the train");
  const pending = b.chat.messages("typed on the train");
  await expect(pending).toHaveCount(1);
  await expect(pending).toHaveAttribute("data-state", "sending");
  await expect(pending.getByTestId("message-pending")).toHaveText("sending…");
  await expect(a.chat.messages("typed on the train")).toHaveCount(0);

  await goOnline(b, room, away);
  await expect(pending).toHaveAttribute("data-state", "sent");
  await expect(a.chat.messages("typed on the train")).toHaveCount(1);
  // The outbox is the only sender: nothing went out on the dead socket, one send (after the
  // re-join) on the new one.
  const sends = (index: number) => b.sockets.framesOf(index).filter((f) => f.type === "send" && f.content === "typed on the train");
  expect(sends(-2)).toHaveLength(0);
  expect(sends(-1)).toHaveLength(1);
  const frames = b.sockets.framesOf(-1);
  expect(frames.findIndex((f) => f.type === "join" && f.room === room)).toBeLessThan(frames.findIndex((f) => f.type === "send"));

  // Round trip the other way, then re-count on both sides.
  await a.chat.sendAndWaitForAck("got it");
  await expect(b.chat.messages("got it")).toHaveCount(1);
  await expect(a.chat.messages("typed on the train")).toHaveCount(1);
  await expect(b.chat.messages("typed on the train")).toHaveCount(1);
});

test("the composer: Enter sends, Shift+Enter makes a new line", async ({ newUser }) => {
  const a = await newUser("carol");
  await a.chat.createRoom(uniqueName("notes"));
  await a.chat.composer.fill("first line");
  await a.chat.composer.press("Shift+Enter");
  await a.chat.composer.pressSequentially("second line");
  await expect(a.chat.composer).toHaveValue("first line\nsecond line");
  await a.chat.composer.press("Enter");
  await expect(a.chat.messages("first line\nsecond line")).toHaveAttribute("data-state", "sent");
  await expect(a.chat.composer).toHaveValue("");
});
