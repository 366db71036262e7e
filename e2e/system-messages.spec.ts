/**
 * System messages: room events are told in the history as one quiet line, without avatar,
 * actions or reactions, and are never unread.
 */
import { expect, test, uniqueName } from "./fixtures";
import { ManagePage } from "./pages/manage";
import { meetInPublicRoom } from "./support/scenarios";
import { apiToken } from "./support/seed";

test("a join and a kick show as quiet lines in the history, live", async ({ newUser, baseURL }) => {
  const a = await newUser("ann");
  const b = await newUser("ben");
  const roomId = await meetInPublicRoom(a, b);

  const joinedLine = a.page.getByTestId("system-message").filter({ hasText: `${b.username} joined` });
  await expect(joinedLine).toHaveCount(1);
  await expect(joinedLine).toHaveAttribute("data-event", "joined");
  await a.chat.sendAndWaitForAck("welcome ben");

  const token = await apiToken(baseURL!, a.username, a.password);
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const detail = (await (await fetch(`${baseURL}/api/rooms/${roomId}`, { headers })).json()) as { members: Array<{ id: string; username: string }> };
  const benId = detail.members.find((m) => m.username === b.username)!.id;
  const kicked = await fetch(`${baseURL}/api/rooms/${roomId}/moderation`, { method: "POST", headers, body: JSON.stringify({ action: "kick", user: benId, reason: "off topic" }) });
  expect(kicked.status).toBe(200);

  const kickLine = a.page.getByTestId("system-message").filter({ hasText: `${a.username} removed ${b.username}: off topic` });
  await expect(kickLine).toBeVisible();
  await expect(kickLine).toHaveAttribute("data-event", "kicked");
  // One quiet line: no avatar, no hover actions, no reactions; the full time on hover.
  await expect(kickLine.getByRole("button")).toHaveCount(0);
  await expect(kickLine.getByTestId("message-sender")).toHaveCount(0);
  await expect(kickLine.getByTestId("system-message-content")).toHaveAttribute("title", /\d/);
  // Ordinary messages keep their own rows, with their actions.
  await expect(a.chat.messages("welcome ben")).toHaveCount(1);
  await expect(a.chat.messages("welcome ben").getByTestId("message-reply")).toHaveCount(1);
  await expect(a.page.getByTestId("message").filter({ hasText: "removed" })).toHaveCount(0);
  await expect(b.page.getByTestId("room-removed")).toContainText("You were removed from this room");
});

test("an admin turns off join and leave lines in the settings; other events are still told", async ({ newUser }) => {
  const a = await newUser("amy");
  const b = await newUser("bo");
  const name = uniqueName("big");
  const roomId = await a.chat.createRoom(name);
  const panel = new ManagePage(a.page);
  await panel.open();
  const toggle = a.page.getByTestId("settings-system-joins");
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await a.page.getByTestId("settings-save").click();
  await expect(a.page.getByTestId("settings-saved")).toBeVisible();
  await a.chat.openRoom(roomId);
  await expect(a.page.getByTestId("system-message").filter({ hasText: `${a.username} changed join and leave lines` })).toHaveCount(1);

  expect(await b.chat.joinFromBrowse(name)).toBe(roomId);
  await b.chat.sendAndWaitForAck("quietly arrived");
  await expect(a.chat.messages("quietly arrived")).toHaveCount(1);
  await expect(a.page.getByTestId("system-message")).toHaveCount(1);
  await expect(b.page.getByTestId("system-message").filter({ hasText: "joined" })).toHaveCount(0);
});
