/**
 * One socket per browser: tabs of one user in one browser share the leader tab's connection
 * (lib/sync/shared-transport.ts). Counted on the server (`confab_sockets` in /metrics), and
 * proven to hand over when the leader tab closes without losing a message either way.
 */
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat";
import { meetInPublicRoom } from "./support/scenarios";

const TABS = 10;

/** Authenticated sockets the server holds (loopback callers may read /metrics). */
async function serverSockets(request: APIRequestContext): Promise<number> {
  const text = await (await request.get("/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith('confab_sockets{state="authenticated"}'));
  return Number(line?.split(" ").at(-1) ?? 0);
}

async function openTab(page: Page, room: string): Promise<ChatPage> {
  await page.goto(`/rooms/${room}`);
  const chat = new ChatPage(page);
  await expect(chat.status).toHaveText("online");
  await expect(chat.composer).toBeVisible();
  return chat;
}

test("ten tabs hold one socket; closing the leader tab hands it over without losing a message", async ({ newUser, request }) => {
  test.setTimeout(120_000);
  const a = await newUser("tabs");
  const b = await newUser("peer");
  const room = await meetInPublicRoom(a, b);
  await expect.poll(() => serverSockets(request)).toBeGreaterThanOrEqual(2);
  const before = await serverSockets(request);

  const tabs: ChatPage[] = [a.chat];
  for (let i = 1; i < TABS; i++) tabs.push(await openTab(await a.context.newPage(), room));
  // Give any stray per-tab socket time to show up before counting.
  await a.page.waitForTimeout(1000);
  expect(await serverSockets(request), "ten tabs add no socket").toBe(before);
  expect(a.sockets.openCount, "the first tab is the leader and owns the socket").toBe(1);

  await b.chat.send("hello every tab");
  for (const tab of tabs) await expect(tab.messages("hello every tab")).toHaveCount(1);
  await tabs[4]!.sendAndWaitForAck("from a follower tab");
  await expect(b.chat.messages("from a follower tab")).toHaveCount(1);
  for (const tab of tabs) await expect(tab.messages("from a follower tab")).toHaveCount(1);

  // The leader tab closes: another tab takes the lock and opens the socket; the others follow.
  await a.page.close();
  const rest = tabs.slice(1);
  await rest[0]!.send("sent during the handover");
  await b.chat.send("arrived during the handover");
  for (const tab of rest) {
    await expect(tab.status).toHaveText("online");
    await expect(tab.messages("arrived during the handover")).toHaveCount(1);
    await expect(tab.messages("sent during the handover")).toHaveCount(1);
  }
  await expect(rest[0]!.messages("sent during the handover").and(rest[0]!.page.locator('[data-state="sent"]'))).toHaveCount(1);
  await expect(b.chat.messages("sent during the handover")).toHaveCount(1);
  await expect.poll(() => serverSockets(request), { message: "still one socket for the remaining tabs" }).toBe(before);

  await b.chat.send("after the handover");
  for (const tab of rest) await expect(tab.messages("after the handover")).toHaveCount(1);
});
