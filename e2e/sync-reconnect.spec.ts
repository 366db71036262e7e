/**
 * Reconnecting after a drop: at once, then after 1, 2 and 4 s (then 8, then every 30 s), with a
 * "Retry now" control (the connection banner's) that skips the wait. A relay (page.routeWebSocket) refuses the
 * tab's connection attempts while the "server" is down and records when each one came.
 * Only lower bounds are checked: timers never fire early, however busy the machine is.
 */
import type { WebSocketRoute } from "@playwright/test";
import { expect, test } from "./fixtures";

test("reconnects at once, then backs off 1, 2, 4 s; Retry now skips the wait", async ({ newUser }) => {
  test.setTimeout(60_000);
  const user = await newUser("remy", { signUp: false });
  let down = false;
  const attempts: number[] = [];
  let live: WebSocketRoute | undefined;
  await user.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      if (down) {
        attempts.push(Date.now());
        ws.close({ code: 1011, reason: "down" });
        return;
      }
      live = ws;
      ws.connectToServer();
    },
  );
  await user.auth.signUp(user.username, user.password);
  await user.auth.expectSignedIn(user.username);

  down = true;
  const droppedAt = Date.now();
  await live!.close({ code: 1012, reason: "restart" });
  await expect(user.chat.status).toHaveText("reconnecting");
  await expect.poll(() => attempts.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  const gaps = [attempts[0]! - droppedAt, attempts[1]! - attempts[0]!, attempts[2]! - attempts[1]!, attempts[3]! - attempts[2]!];
  expect(gaps[1]).toBeGreaterThanOrEqual(900);
  expect(gaps[2]).toBeGreaterThanOrEqual(1_900);
  expect(gaps[3]).toBeGreaterThanOrEqual(3_900);
  expect(gaps[3]).toBeGreaterThan(gaps[1]!);

  // The next scheduled attempt is 8 s away; the control connects now.
  down = false;
  await user.page.getByTestId("connection-retry").click();
  await expect(user.chat.status).toHaveText("online", { timeout: 5_000 });
  expect(attempts.length).toBe(4);
});
