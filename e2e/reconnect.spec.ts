/**
 * Issue: reconnection that loses nothing, across reloads. A message written while offline and
 * never acknowledged is kept in the tab's sessionStorage; after a reload it is shown as
 * pending again and sent with its ORIGINAL client id once the socket is back, so the other
 * member receives it exactly once.
 *
 * Determinism: B's chat sockets go through a relay (page.routeWebSocket) that can drop B's
 * `send` frames, so the server never stores or acknowledges them while `blockSends` is set,
 * however long the reload takes. Unblocking and closing the page's socket makes the client
 * reconnect, re-join and re-send from its (restored) outbox.
 */
import type { WebSocketRoute } from "@playwright/test";
import { expect, test, type SentFrame } from "./fixtures";
import { goOffline, meetInPublicRoom } from "./support/scenarios";

function parse(message: string | Buffer): SentFrame | null {
  try {
    return JSON.parse(String(message)) as SentFrame;
  } catch {
    return null;
  }
}

const storedOutbox = (page: import("@playwright/test").Page) =>
  page.evaluate(() =>
    Object.keys(sessionStorage)
      .filter((k) => k.startsWith("confab.outbox."))
      .map((k) => sessionStorage.getItem(k) ?? "")
      .join(""),
  );

test("a message written offline survives a reload as pending and is delivered once, with its original id", async ({ newUser }) => {
  const a = await newUser("quin");
  const b = await newUser("rae", { signUp: false });

  let blockSends = false;
  const dropped: SentFrame[] = [];
  const forwarded: SentFrame[] = [];
  const pageSides: WebSocketRoute[] = [];
  await b.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      const server = ws.connectToServer();
      pageSides.push(ws);
      ws.onMessage((message) => {
        const frame = parse(message);
        if (frame?.type === "send") {
          if (blockSends) return void dropped.push(frame);
          forwarded.push(frame);
        }
        server.send(message);
      });
    },
  );
  await b.auth.signUp(b.username, b.password);
  await b.auth.expectSignedIn(b.username);
  const room = await meetInPublicRoom(a, b);
  await b.chat.sendAndWaitForAck("before the outage");
  await expect(a.chat.messages("before the outage")).toHaveCount(1);

  // Offline: the client closes its socket; the message waits in the outbox (and in storage).
  blockSends = true;
  await goOffline(b);
  await b.chat.send("written on the train");
  const row = b.chat.messages("written on the train");
  await expect(row).toHaveAttribute("data-state", "sending");
  const stored = await storedOutbox(b.page);
  expect(stored).toContain("written on the train");
  expect(stored).toContain(room);

  // Back online, the re-sent frame is dropped by the relay: never stored, never acked.
  await b.context.setOffline(false);
  await expect(b.chat.status).toHaveText("online");
  await expect.poll(() => dropped.filter((f) => f.content === "written on the train").length).toBe(1);
  const clientId = dropped[0]!.id;
  expect(clientId).toEqual(expect.any(String));

  // Reload before any ack: the entry comes back from sessionStorage, pending, same id.
  await b.page.reload();
  await expect(b.chat.status).toHaveText("online");
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-state", "sending");
  await expect(row.getByTestId("message-pending")).toHaveText("sending…");
  await expect.poll(() => dropped.filter((f) => f.content === "written on the train").length).toBe(2);
  expect(dropped[1]!.id).toBe(clientId);
  await expect(a.chat.messages("written on the train")).toHaveCount(0);

  // Let sends through and drop the page's socket: reconnect, re-join, re-send from the outbox.
  blockSends = false;
  await pageSides.at(-1)!.close({ code: 4000, reason: "relay restart" });
  await expect(row).toHaveAttribute("data-state", "sent");
  await expect(a.chat.messages("written on the train")).toHaveCount(1);
  const delivered = forwarded.filter((f) => f.content === "written on the train");
  expect(delivered.length).toBeGreaterThanOrEqual(1);
  expect(delivered.every((f) => f.id === clientId)).toBe(true);
  // Acknowledged: it has left storage.
  expect(await storedOutbox(b.page)).not.toContain("written on the train");

  // A round trip each way, then count again on both sides: nothing was duplicated.
  await a.chat.sendAndWaitForAck("welcome back");
  await expect(b.chat.messages("welcome back")).toHaveCount(1);
  await b.chat.sendAndWaitForAck("thanks");
  await expect(a.chat.messages("thanks")).toHaveCount(1);
  await expect(a.chat.messages("written on the train")).toHaveCount(1);
  await expect(b.chat.messages("written on the train")).toHaveCount(1);

  // And after another reload nothing is left to send.
  await b.page.reload();
  await expect(b.chat.messages("written on the train")).toHaveAttribute("data-state", "sent");
  await expect(b.page.locator('[data-testid="message"][data-state="sending"]')).toHaveCount(0);
});
