/**
 * What the tab does with each refusal of a send, beyond "failed": RATE_LIMITED waits the
 * server's `retry_after_ms` and resends by itself, showing the wait; NOT_IN_ROOM re-joins the
 * room and resends; INTERNAL starts a new connection and resends. A relay answers the first
 * attempt of a marked message with the error; everything else reaches the real server.
 */
import { expect, test, uniqueName, type SentFrame } from "./fixtures";

test("RATE_LIMITED waits and resends with the wait shown; NOT_IN_ROOM re-joins; INTERNAL reconnects", async ({ newUser }) => {
  const a = await newUser("ivy");
  const room = await a.chat.createRoom(uniqueName("errors"));
  const refusals: Record<string, { code: string; retryable: boolean; retry_after_ms?: number }> = {
    "wait for it": { code: "RATE_LIMITED", retryable: true, retry_after_ms: 3_000 },
    "lost the room": { code: "NOT_IN_ROOM", retryable: false },
    "server hiccup": { code: "INTERNAL", retryable: false },
  };
  const refused = new Set<string>();
  const sent: SentFrame[] = [];
  let connections = 0;
  await a.page.routeWebSocket(
    (url) => url.pathname === "/ws",
    (ws) => {
      connections++;
      const server = ws.connectToServer();
      ws.onMessage((raw) => {
        const frame = JSON.parse(String(raw)) as SentFrame;
        sent.push(frame);
        const refusal = frame.type === "send" && frame.content ? refusals[frame.content] : undefined;
        if (refusal && !refused.has(frame.content!)) {
          refused.add(frame.content!);
          ws.send(JSON.stringify({ type: "error", ref: frame.id, message: `refused: ${refusal.code}`, ...refusal }));
          return;
        }
        server.send(raw);
      });
    },
  );
  await a.page.reload();
  await expect(a.chat.status).toHaveText("online");

  await a.chat.send("wait for it");
  const waiting = a.chat.messages("wait for it");
  await expect(waiting.getByTestId("message-waiting")).toContainText("Sending again in");
  await expect(waiting).toHaveAttribute("data-state", "sent", { timeout: 10_000 });
  const tries = sent.filter((f) => f.type === "send" && f.content === "wait for it");
  expect(tries.length).toBe(2);
  expect(tries[0]!.id).toBe(tries[1]!.id);

  const joinsBefore = sent.filter((f) => f.type === "join" && f.room === room).length;
  await a.chat.send("lost the room");
  await expect(a.chat.messages("lost the room")).toHaveAttribute("data-state", "sent");
  expect(sent.filter((f) => f.type === "join" && f.room === room).length).toBe(joinsBefore + 1);

  const connectionsBefore = connections;
  await a.chat.send("server hiccup");
  await expect(a.chat.messages("server hiccup")).toHaveAttribute("data-state", "sent");
  expect(connections).toBe(connectionsBefore + 1);
  await expect(a.chat.messages("server hiccup")).toHaveCount(1);
});
