/**
 * The delivery rule for an unanswered send on an open socket: resent with the same id every
 * 10 s, 3 attempts in all, then shown as failed with Retry; Retry then delivers it once.
 * A relay (page.routeWebSocket) withholds the server's acks and the message's echo to its
 * sender (either settles it) — the server stores the message on the first attempt and answers
 * the resends idempotently, which the relay also withholds.
 */
import { expect, test, type SentFrame } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("an ack that never comes: 3 attempts with the same id, then Retry delivers it once", async ({ newUser }) => {
  test.setTimeout(90_000);
  const a = await newUser("ada");
  const b = await newUser("bea", { signUp: false });
  let withholdAcks = false;
  const sends: SentFrame[] = [];
  await b.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message)) as SentFrame;
        if (frame.type === "send") sends.push(frame);
        server.send(message);
      });
      server.onMessage((message) => {
        const text = String(message);
        if (withholdAcks && (text.includes('"type":"ack"') || (text.includes('"type":"message"') && text.includes("is anyone there")))) return;
        ws.send(message);
      });
    },
  );
  await b.auth.signUp(b.username, b.password);
  await b.auth.expectSignedIn(b.username);
  await meetInPublicRoom(a, b);

  withholdAcks = true;
  await b.chat.send("is anyone there");
  const row = b.chat.messages("is anyone there");
  await expect(row).toHaveAttribute("data-state", "sending");
  await expect(row).toHaveAttribute("data-state", "failed", { timeout: 40_000 });
  const attempts = sends.filter((f) => f.content === "is anyone there");
  expect(attempts).toHaveLength(3);
  expect(new Set(attempts.map((f) => f.id)).size).toBe(1);
  // The first attempt was stored: the other member sees it once, never three times.
  await expect(a.chat.messages("is anyone there")).toHaveCount(1);

  withholdAcks = false;
  await row.getByRole("button", { name: "Retry" }).click();
  await expect(b.chat.messages("is anyone there").and(b.page.locator('[data-state="sent"]'))).toHaveCount(1);
  await expect(a.chat.messages("is anyone there")).toHaveCount(1);
});
