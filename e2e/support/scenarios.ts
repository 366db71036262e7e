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
 * Takes a user's browser offline. Playwright's setOffline does not end open WebSockets
 * (microsoft/playwright#4910; here it silently stops their traffic instead), so the app itself
 * closes its socket on the browser's `offline` event and shows "offline". partysocket detaches
 * the app's listeners from that socket synchronously, so nothing received afterwards can come
 * through it.
 */
export async function goOffline(user: ChatUser): Promise<{ socketsBefore: number }> {
  const socketsBefore = user.sockets.sockets.length;
  await user.context.setOffline(true);
  await expect(user.chat.status).toHaveText("offline");
  return { socketsBefore };
}

/**
 * Brings the user back and proves the reconnect path: a NEW socket is opened, the old one is
 * closed, and the new socket re-joined `room` with `since` set to the last seq the client held.
 */
export async function goOnline(user: ChatUser, room: string, { socketsBefore }: { socketsBefore: number }): Promise<void> {
  await user.context.setOffline(false);
  await expect(user.chat.status).toHaveText("online");
  expect(user.sockets.sockets.length).toBe(socketsBefore + 1);
  await expect.poll(() => user.sockets.openCount).toBe(1);
  await expect
    .poll(() => user.sockets.framesOf(-1).find((f) => f.type === "join" && f.room === room)?.since)
    .toEqual(expect.any(Number));
}
