/**
 * Pins: a moderator pins a message from its hover bar; another member sees it in the room
 * header's pinned list live (no reload), and sees it leave when it is unpinned.
 */
import { expect, test } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("pin and unpin are visible live to another member", async ({ newUser }) => {
  const owner = await newUser("pia");
  const member = await newUser("rex");
  await meetInPublicRoom(owner, member);
  await member.chat.sendAndWaitForAck("the deploy runbook is at /docs/runbook");
  const onOwner = owner.chat.messages("the deploy runbook is at /docs/runbook");
  await expect(onOwner).toHaveCount(1);

  // Members do not get the control.
  await member.chat.messages("the deploy runbook is at /docs/runbook").hover();
  await expect(member.chat.messages("the deploy runbook is at /docs/runbook").getByTestId("message-pin")).toHaveCount(0);

  await expect(member.page.getByTestId("pins-toggle")).toHaveAttribute("data-count", "0");
  await onOwner.hover();
  await onOwner.getByTestId("message-pin").click();

  const toggle = member.page.getByTestId("pins-toggle");
  await expect(toggle).toHaveAttribute("data-count", "1");
  await expect(member.chat.messages("the deploy runbook is at /docs/runbook").getByTestId("message-pinned")).toBeVisible();
  await toggle.click();
  const list = member.page.getByTestId("pinned-list");
  await expect(list.getByTestId("pinned-item")).toHaveCount(1);
  await expect(list.getByTestId("pinned-content")).toHaveText("the deploy runbook is at /docs/runbook");
  await expect(list.getByTestId("pinned-unpin")).toHaveCount(0);

  // Unpinned from the owner's header list.
  await owner.page.getByTestId("pins-toggle").click();
  await owner.page.getByTestId("pinned-list").getByTestId("pinned-unpin").click();
  await expect(toggle).toHaveAttribute("data-count", "0");
  await expect(list.getByTestId("pinned-item")).toHaveCount(0);
  await expect(member.chat.messages("the deploy runbook is at /docs/runbook").getByTestId("message-pinned")).toHaveCount(0);
});
