/** Live room features beyond plain messages: typing, edits, deletes, reactions, unread/read. */
import { expect, test } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";

test("typing, edits, reactions and deletes reach the other member live", async ({ newUser }) => {
  const a = await newUser("mia");
  const b = await newUser("ned");
  await meetInPublicRoom(a, b);

  await a.chat.composer.fill("typo mesage");
  await expect(b.page.getByTestId("typing-indicator")).toHaveText(`${a.username} is typing…`);
  await a.chat.composer.press("Enter");
  await expect(b.page.getByTestId("typing-indicator")).toHaveText("");
  await expect(b.chat.messages("typo mesage")).toHaveCount(1);

  const own = a.chat.messages("typo mesage");
  await own.hover();
  await own.getByTestId("message-edit").click();
  await a.page.getByTestId("message-edit-input").fill("typo message, fixed");
  await a.page.getByTestId("message-edit-input").press("Enter");
  await expect(b.chat.messages("typo message, fixed")).toHaveCount(1);
  await expect(b.chat.messages("typo message, fixed")).toContainText("(edited)");
  await expect(b.chat.messages("typo mesage")).toHaveCount(0);

  const theirs = b.chat.messages("typo message, fixed");
  await theirs.hover();
  await theirs.getByRole("button", { name: "React 👍" }).click();
  await expect(a.chat.messages("typo message, fixed").getByTestId("reaction")).toHaveText("👍 1");

  a.page.once("dialog", (dialog) => void dialog.accept());
  const edited = a.chat.messages("typo message, fixed");
  await edited.hover();
  await edited.getByTestId("message-delete").click();
  await expect(b.chat.messages("This message was deleted")).toHaveCount(1);
  await expect(b.chat.messages("typo message, fixed")).toHaveCount(0);
});

test("unread counts come from the server and clear once the room has been read", async ({ newUser }) => {
  const a = await newUser("ola");
  const b = await newUser("pat");
  const roomId = await meetInPublicRoom(a, b);
  const link = b.page.locator(`[data-testid="room-link"][data-room-id="${roomId}"]`);

  await b.page.goto("/");
  await a.chat.sendAndWaitForAck("one for later");
  await a.chat.sendAndWaitForAck("two for later");
  await b.page.reload();
  await expect(link.getByTestId("unread-count")).toHaveText("2");

  await link.click();
  await expect(b.chat.messages("two for later")).toHaveCount(1);
  await expect(link.getByTestId("unread-count")).toHaveCount(0);
  // Frames on one socket are handled in order: once this is acked, the read cursor is stored.
  await b.chat.sendAndWaitForAck("read them");
  await b.page.goto("/");
  await expect(link).toBeVisible();
  await expect(link.getByTestId("unread-count")).toHaveCount(0);
});
