/** Multi-step moves shared by the specs. */
import { expect, uniqueName, type ChatUser } from "../fixtures";

/** A creates a public room; B finds it in Browse and joins. */
export async function meetInPublicRoom(a: ChatUser, b: ChatUser): Promise<string> {
  const name = uniqueName("room");
  const roomId = await a.chat.createRoom(name, { topic: "e2e chatter" });
  expect(await b.chat.joinFromBrowse(name)).toBe(roomId);
  // A sees B arrive without a reload.
  await expect(a.page.getByTestId("member-count")).toHaveText("2 members");
  return roomId;
}

/**
 * Takes a user's browser offline and proves the socket really closed: Playwright's
 * setOffline does not end open WebSockets by itself (microsoft/playwright#4910); the app
 * closes its socket on the browser's `offline` event, and the tracker sees that close.
 */
export async function goOffline(user: ChatUser): Promise<void> {
  await user.context.setOffline(true);
  await expect(user.chat.status).toHaveText("offline");
  await expect.poll(() => user.sockets.openCount).toBe(0);
}

export async function goOnline(user: ChatUser): Promise<void> {
  const before = user.sockets.sockets.length;
  await user.context.setOffline(false);
  await expect(user.chat.status).toHaveText("online");
  // A new socket, not the old one resurrected.
  expect(user.sockets.sockets.length).toBeGreaterThan(before);
  expect(user.sockets.openCount).toBe(1);
}
