/**
 * Display names: a user sets one on the settings page; the other member, with the room open,
 * sees it on the message already shown and on the member list without a reload (the `profile`
 * frame), then on the next message; clearing it brings the username back.
 */
import { expect, test } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("a display name set on the profile reaches the other member's open room live", async ({ newUser }) => {
  const ada = await newUser("ada");
  const bob = await newUser("bob");
  const roomId = await meetInPublicRoom(ada, bob);
  await ada.chat.sendAndWaitForAck("first line");
  const first = bob.chat.messages("first line");
  await expect(first.getByTestId("message-sender")).toHaveText(ada.username);
  await bob.page.evaluate(() => ((window as unknown as { __e2eMark?: boolean }).__e2eMark = true));

  await ada.page.getByTestId("settings-link").click();
  await ada.page.getByTestId("display-name-input").fill("  Ada Lovelace  ");
  await ada.page.getByTestId("display-name-save").click();
  await expect(ada.page.getByTestId("display-name-note")).toHaveText("Display name saved.");

  // Bob's open room: the shown message and the member list take the new name, handle beside it.
  await expect(first.getByTestId("message-sender")).toHaveText("Ada Lovelace");
  await expect(first.getByTestId("message-sender-handle")).toHaveText(`@${ada.username}`);
  const member = bob.page.locator(`[data-testid="member"][data-username="${ada.username}"]`);
  await expect(member.getByTestId("member-name")).toHaveText("Ada Lovelace");
  expect(await bob.page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark)).toBe(true);

  // A line from Bob in between, so Ada's next message starts a new group with its own header.
  await bob.chat.sendAndWaitForAck("in between");
  await ada.chat.openRoom(roomId);
  await ada.chat.sendAndWaitForAck("second line");
  await expect(bob.chat.messages("second line").getByTestId("message-sender")).toHaveText("Ada Lovelace");

  // After a reload the history agrees.
  await bob.page.reload();
  await expect(bob.chat.messages("first line").getByTestId("message-sender")).toHaveText("Ada Lovelace");

  await ada.page.getByTestId("settings-link").click();
  await expect(ada.page.getByTestId("display-name-input")).toHaveValue("Ada Lovelace");
  await ada.page.getByTestId("display-name-clear").click();
  await expect(ada.page.getByTestId("display-name-note")).toContainText("people see your username");
  await expect(bob.chat.messages("first line").getByTestId("message-sender")).toHaveText(ada.username);
  await expect(bob.chat.messages("first line").getByTestId("message-sender-handle")).toHaveCount(0);
});
