/**
 * Connection trouble is unmissable and honest: a banner after 2 s (offline, or lost with the
 * next attempt counted down and "Retry now"), presence shown as unknown meanwhile, and a clear
 * "back" state.
 */
import type { WebSocketRoute } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";
import { goOffline, goOnline, meetInPublicRoom } from "./support/scenarios";

test("offline: a banner after 2 s, everyone's presence unknown, then 'back online'", async ({ newUser }) => {
  const a = await newUser("rosa");
  const b = await newUser("sam");
  const room = await meetInPublicRoom(a, b);
  await a.chat.openRoom(room);
  const banner = a.page.getByTestId("connection-banner");
  const bInList = a.chat.member(b.username);
  await expect(bInList.getByTestId("presence-dot")).toHaveAttribute("data-status", "online");
  await expect(banner).toHaveCount(0);

  const offline = await goOffline(a);
  await expect(banner).toHaveAttribute("data-state", "offline");
  await expect(banner).toContainText("You're offline");
  await expect(bInList.getByTestId("presence-dot")).toHaveAttribute("data-status", "unknown");
  await expect(bInList.getByTestId("presence-dot")).toHaveAccessibleName(/unknown/i);
  await expect(a.page.getByTestId("status-picker").locator("..").getByTestId("presence-dot")).toHaveAttribute("data-status", "unknown");

  await goOnline(a, room, offline);
  await expect(banner).toHaveAttribute("data-state", "back");
  await expect(bInList.getByTestId("presence-dot")).toHaveAttribute("data-status", "online");
  await expect(banner).toHaveCount(0, { timeout: 10_000 });
});

test("a lost server: 'reconnecting in N s' counts down, Retry now connects at once", async ({ newUser }) => {
  const a = await newUser("tess");
  await a.chat.createRoom(uniqueName("banner"));
  let refuse = false;
  let live: WebSocketRoute | undefined;
  let attempts = 0;
  await a.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      attempts++;
      if (refuse) return void ws.close({ code: 4100, reason: "test: server unreachable" });
      live = ws;
      ws.connectToServer();
    },
  );
  await a.page.reload();
  await expect(a.chat.status).toHaveText("online");
  const banner = a.page.getByTestId("connection-banner");

  refuse = true;
  await live!.close({ code: 1001, reason: "test: server restarting" });
  await expect(a.chat.status).toHaveText("reconnecting");
  // The first attempts (at once, 1 s, 2 s) are refused; by then the banner counts down to the next.
  await expect(banner).toHaveAttribute("data-state", "reconnecting");
  await expect(a.page.getByTestId("connection-retry-in")).toHaveText(/^Reconnecting in \d+ s…$/, { timeout: 10_000 });
  expect(attempts).toBeGreaterThan(1);
  // One way to reconnect at once: the banner's; the sidebar only says the state.
  await expect(a.page.getByRole("button", { name: /reconnect|retry/i })).toHaveCount(1);
  await expect(a.page.getByRole("button", { name: /reconnect|retry/i })).toHaveText("Retry now");

  refuse = false;
  await a.page.getByTestId("connection-retry").click();
  await expect(a.chat.status).toHaveText("online");
  await expect(banner).toHaveAttribute("data-state", "back");
});

test("a blip shorter than 2 s shows no banner", async ({ newUser }) => {
  const a = await newUser("uma");
  await a.chat.createRoom(uniqueName("blip"));
  let live: WebSocketRoute | undefined;
  let connections = 0;
  await a.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      connections++;
      live = ws;
      ws.connectToServer();
    },
  );
  await a.page.reload();
  await expect(a.chat.status).toHaveText("online");
  await live!.close({ code: 1001, reason: "test: blip" });
  // The first reconnect attempt is immediate.
  await expect.poll(() => connections).toBe(2);
  await expect(a.chat.status).toHaveText("online");
  await a.page.waitForTimeout(2_500);
  await expect(a.page.getByTestId("connection-banner")).toHaveCount(0);
});
