/**
 * Live room state between two people: typing, read receipts, reactions, unread badges for a
 * room that is not open (the tab's one socket is joined to every room of the user), and
 * presence when a tab goes away.
 */
import { expect, test, uniqueName } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("typing, seen-by, reactions, live unread and presence reach the other person", async ({ newUser }) => {
  const a = await newUser("ann");
  const b = await newUser("bea");
  const lobby = await meetInPublicRoom(a, b);

  // Typing appears for B and goes away when A clears the input (which sends "stop").
  await a.chat.composer.fill("thinking out loud");
  await expect(b.chat.typingIndicator).toHaveText(`${a.username} is typing…`);
  await a.chat.composer.fill("");
  await expect(b.chat.typingIndicator).toHaveText("");

  // B has the room open at the bottom of a visible tab: B's read receipt reaches A.
  await a.chat.sendAndWaitForAck("did you see this?");
  await expect(b.chat.messages("did you see this?")).toHaveCount(1);
  await expect(a.chat.seenBy).toHaveText(`Seen by ${b.username}`);
  await expect(a.chat.seenBy).toHaveAttribute("title", b.username);

  // B's reaction shows up on A's copy with its count; A's own reaction is highlighted.
  await b.chat.react("did you see this?", "👍");
  const chip = a.chat.messages("did you see this?").getByTestId("reaction");
  await expect(chip).toHaveText("👍 1");
  await expect(chip).toHaveAttribute("data-mine", "false");
  await a.chat.react("did you see this?", "👍");
  await expect(chip).toHaveText("👍 2");
  await expect(chip).toHaveAttribute("data-mine", "true");

  // A second room; A goes back to the lobby, so the new room is not on A's screen.
  const sideName = uniqueName("side");
  const side = await a.chat.createRoom(sideName);
  expect(await b.chat.joinFromBrowse(sideName)).toBe(side);
  await a.chat.openRoom(lobby);

  await b.chat.sendAndWaitForAck("psst, over here");
  await expect(a.chat.unreadBadge(side)).toHaveText("1");
  await b.chat.sendAndWaitForAck("still here?");
  await expect(a.chat.unreadBadge(side)).toHaveText("2");

  // Opening it shows the divider above the first unread message, and clears the badge.
  await a.chat.openRoom(side);
  await expect(a.chat.messages("still here?")).toHaveCount(1);
  await expect(a.chat.newMessagesDivider).toHaveCount(1);
  const firstAfterDivider = a.page.locator('[data-testid="new-messages-divider"] + [data-testid="message"]');
  await expect(firstAfterDivider.getByTestId("message-content")).toHaveText("psst, over here");
  await a.chat.openRoom(lobby);
  await expect(a.chat.roomLink(side)).toBeVisible();
  await expect(a.chat.unreadBadge(side)).toHaveCount(0);

  // Presence: A is online in B's member list; closing A's tab turns the dot grey with "last seen".
  const aInList = b.chat.member(a.username);
  await expect(aInList.getByTestId("presence-dot")).toHaveAttribute("data-status", "online");
  await a.page.close();
  await expect(aInList.getByTestId("presence-dot")).toHaveAttribute("data-status", "offline");
  await expect(aInList.getByTestId("member-last-seen")).toHaveText(/^last seen (just now|\d+ min ago)$/);
});
