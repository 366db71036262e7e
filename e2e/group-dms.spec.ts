/**
 * Group conversations from the member list: pick members with "Add to group", then "Message
 * all": everyone picked finds the conversation among their direct messages and reads it live.
 */
import { expect, test, uniqueName } from "./fixtures";

test("a group DM started from the member list reaches everyone in it", async ({ newUser }) => {
  const a = await newUser("gus");
  const b = await newUser("hal");
  const c = await newUser("ivy");
  const name = uniqueName("groupsrc");
  await a.chat.createRoom(name);
  await b.chat.joinFromBrowse(name);
  await c.chat.joinFromBrowse(name);
  await expect(a.page.getByTestId("member-count")).toHaveText("3 members");

  for (const user of [b, c]) {
    await a.chat.member(user.username).getByTestId("member-toggle").click();
    await a.chat.member(user.username).getByTestId("member-group").click();
  }
  await expect(a.page.getByTestId("group-dm-names")).toHaveText(`${b.username}, ${c.username}`);
  await a.page.getByTestId("group-dm-start").click();
  await expect(a.page.getByTestId("room-name")).toContainText(`${b.username}, ${c.username}`);
  const dmId = a.chat.roomIdFromUrl();
  await a.chat.sendAndWaitForAck("hello you two");

  for (const [user, others] of [
    [b, `${a.username}, ${c.username}`],
    [c, `${a.username}, ${b.username}`],
  ] as const) {
    const link = user.chat.roomLink(dmId);
    await expect(link).toBeVisible();
    await expect(link.getByTestId("dm-name")).toHaveText(others);
    await link.click();
    await expect(user.chat.messages("hello you two")).toHaveCount(1);
  }
});
