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

test("the composer tells slow mode by the error's reason, not by its words", async ({ newUser }) => {
  const a = await newUser("sid");
  await a.chat.createRoom(uniqueName("paced"));
  const answered = new Set<string>();
  await a.page.routeWebSocket((url) => url.pathname === "/ws", (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; id?: string; content?: string };
      // Each is refused once, then goes to the real server.
      const words = { worded: { message: "slow mode? no: you are sending messages too fast" }, typed: { message: "wait", reason: "slow_mode" } }[frame.content ?? ""];
      if (frame.type === "send" && frame.id && words && !answered.has(frame.id)) {
        answered.add(frame.id);
        ws.send(JSON.stringify({ type: "error", ref: frame.id, code: "RATE_LIMITED", retryable: true, retry_after_ms: 3000, ...words }));
        return;
      }
      server.send(raw);
    });
  });
  await a.page.reload();
  await expect(a.chat.status).toHaveText("online");
  const wait = a.page.getByTestId("composer-wait");

  await a.chat.send("worded");
  await expect(wait).toContainText(/Your message goes out in \d s/);
  await expect(wait).not.toHaveAttribute("data-slow-mode");
  await expect(a.chat.messages("worded")).toHaveAttribute("data-state", "sent", { timeout: 10_000 });
  await expect(wait).toHaveCount(0);

  await a.chat.send("typed");
  await expect(wait).toHaveText(/^Slow mode: you can send again in \d s$/);
  await expect(wait).toHaveAttribute("data-slow-mode", "true");
  await expect(a.chat.messages("typed")).toHaveAttribute("data-state", "sent", { timeout: 10_000 });
});
