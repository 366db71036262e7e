/**
 * Running a room: the owner invites a newcomer with a link from the admin panel, the
 * newcomer signs up on the invitation page and lands in the room, and moderation (mute, ban)
 * reaches the newcomer's open tab without a reload; an unban refreshes the panel's lists.
 */
import { expect, test, uniqueName } from "./fixtures";
import { InvitePage } from "./pages/invite";
import { ManagePage } from "./pages/manage";

test("invite link → sign up → in the room; mute and ban reach the member live", async ({ newUser }) => {
  const owner = await newUser("own");
  const roomName = uniqueName("club");
  const roomId = await owner.chat.createRoom(roomName, { visibility: "private" });
  const panel = new ManagePage(owner.page);
  await panel.open();
  const invitePath = await panel.createInvite({ maxUses: 5 });
  await expect(owner.page.getByTestId("invite-row").first().getByTestId("invite-state")).toHaveText("active");

  // A visitor with no account opens the link, signs up on the page, and lands in the room.
  const guest = await newUser("gus", { signUp: false });
  const invite = new InvitePage(guest.page);
  await invite.open(invitePath, roomName);
  await invite.signUpAndAccept(guest.username, guest.password);
  await expect(guest.page).toHaveURL(new RegExp(`/rooms/${roomId}$`));
  await expect(guest.page.getByTestId("room-name")).toContainText(roomName);
  await expect(guest.chat.composer).toBeEnabled();
  await expect(guest.chat.roomLink(roomId)).toBeVisible();

  // The owner's panel lists the newcomer live; the mute reaches the newcomer's composer.
  await panel.mute(guest.username, "3600", "cool down");
  await expect(guest.page.getByTestId("composer-blocked")).toContainText("You are muted until");
  await expect(guest.page.getByTestId("composer-blocked")).toContainText("cool down");
  await expect(guest.chat.composer).toBeDisabled();

  // Unmuting re-enables it, again without a reload.
  await panel.member(guest.username).getByTestId("mod-unmute").click();
  await expect(guest.page.getByTestId("composer-blocked")).toHaveCount(0);
  await expect(guest.chat.composer).toBeEnabled();

  // The ban replaces the room view and removes the room from the sidebar.
  await panel.ban(guest.username, "spam");
  await expect(guest.page.getByTestId("room-removed")).toContainText("You were banned from this room");
  await expect(guest.page.getByTestId("room-removed-reason")).toHaveText("Reason: spam");
  await expect(guest.chat.roomLink(roomId)).toHaveCount(0);

  // The audit log records what happened.
  await expect(owner.page.locator('[data-testid="audit-row"][data-action="ban"]')).toHaveCount(1);

  // Unban sends no live frame: the mutation alone refreshes every list it changed (bans, audit).
  await owner.page.locator(`[data-testid="ban-row"][data-username="${guest.username}"]`).getByTestId("unban").click();
  await expect(owner.page.getByTestId("ban-row")).toHaveCount(0);
  await expect(owner.page.locator('[data-testid="audit-row"][data-action="unban"]')).toHaveCount(1);
});
