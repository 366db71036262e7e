/**
 * Protocol versions after a deploy: the tab names its version in `/ws?v=`. A server that no
 * longer speaks it closes with 4400 and the tab says "reload" instead of retrying forever; a
 * server that speaks a newer one but still this tab's offers a reload while chat keeps working.
 * The relay (page.routeWebSocket) plays the new server's part on a real connection.
 */
import { PROTOCOL_VERSION } from "@/protocol";
import { expect, test } from "./fixtures";

test("a server that no longer speaks the tab's protocol: the tab stops and asks for a reload", async ({ newUser }) => {
  const user = await newUser("otto", { signUp: false });
  const asked: string[] = [];
  await user.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      asked.push(ws.url());
      ws.close({ code: 4400, reason: "unsupported protocol version; this server speaks 2–2" });
    },
  );
  await user.auth.signUp(user.username, user.password);
  const banner = user.page.getByTestId("update-banner");
  await expect(banner).toHaveAttribute("data-update", "required");
  await expect(banner).toContainText("Reload");
  await expect(user.chat.status).toHaveText("offline");
  expect(new URL(asked[0]!).searchParams.get("v")).toBe(String(PROTOCOL_VERSION));
  // Closed for good: no reconnect storm against a server that will refuse every attempt.
  const attempts = asked.length;
  await user.page.waitForTimeout(3_000);
  expect(asked.length).toBe(attempts);
});

test("a server with a newer protocol that still speaks the tab's: chat works and a reload is offered", async ({ newUser }) => {
  const user = await newUser("nina", { signUp: false });
  await user.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        const text = String(message);
        ws.send(text.includes('"type":"ready"') ? text.replace(/"protocol":\d+/, `"protocol":${PROTOCOL_VERSION + 1}`) : text);
      });
    },
  );
  await user.auth.signUp(user.username, user.password);
  await expect(user.chat.status).toHaveText("online");
  const banner = user.page.getByTestId("update-banner");
  await expect(banner).toHaveAttribute("data-update", "available");
  // The button reloads the page (which, behind this relay, meets the same newer server again).
  await Promise.all([user.page.waitForEvent("load"), user.page.getByRole("button", { name: "Reload" }).click()]);
  await expect(user.chat.status).toHaveText("online");
});
