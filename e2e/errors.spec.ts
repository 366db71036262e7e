/**
 * How server refusals look. The socket is routed through Playwright so the test can answer
 * one frame with an `error` the real server would only send in rare states (muted, storage
 * down); every other frame goes to the real server unchanged.
 */
import type { WebSocketRoute } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";

test("a refused message is marked failed with the server's reason; a retryable one is retried with the same id", async ({ newUser }) => {
  const a = await newUser("jane");
  await a.chat.createRoom(uniqueName("strict"));

  const sentIds = new Map<string, string[]>();
  let route: WebSocketRoute | undefined;
  await a.page.routeWebSocket((url) => url.pathname === "/ws", (ws) => {
    route = ws;
    const server = ws.connectToServer();
    let unavailableOnce = true;
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; id?: string; content?: string };
      if (frame.type === "send" && frame.id && frame.content) sentIds.set(frame.content, [...(sentIds.get(frame.content) ?? []), frame.id]);
      if (frame.type === "send" && frame.content === "refuse me") {
        ws.send(JSON.stringify({ type: "error", ref: frame.id, code: "FORBIDDEN", message: "you may not post in this room", retryable: false }));
        return;
      }
      if (frame.type === "send" && frame.content === "try me twice" && unavailableOnce) {
        unavailableOnce = false;
        ws.send(JSON.stringify({ type: "error", ref: frame.id, code: "UNAVAILABLE", message: "storage is down", retryable: true, retry_after_ms: 200 }));
        return;
      }
      server.send(raw);
    });
  });
  await a.page.reload();
  await expect(a.chat.status).toHaveText("online");

  await a.chat.send("refuse me");
  const refused = a.chat.messages("refuse me");
  await expect(refused).toHaveAttribute("data-state", "failed");
  await expect(refused.getByTestId("message-failed")).toContainText("You may not post in this room");
  await refused.getByRole("button", { name: "Discard" }).click();
  await expect(refused).toHaveCount(0);

  await a.chat.send("try me twice");
  await expect(a.chat.messages("try me twice")).toHaveAttribute("data-state", "sent");
  const ids = sentIds.get("try me twice") ?? [];
  expect(ids.length).toBe(2);
  expect(new Set(ids).size).toBe(1);

  // An error that answers no request of ours surfaces as a dismissable notice.
  route!.send(JSON.stringify({ type: "error", code: "RATE_LIMITED", message: "slow down", retryable: true }));
  const notice = a.page.getByTestId("notice");
  await expect(notice).toContainText("Slow down");
  await notice.getByTestId("notice-dismiss").click();
  await expect(notice).toHaveCount(0);
});
