/**
 * Replies: answering a message shows a quote of its parent, and the quote jumps to the parent
 * and highlights it, loading older history first when the parent is not loaded yet.
 */
import { expect, test, uniqueName } from "./fixtures";
import { meetInPublicRoom } from "./support/scenarios";
import { SeedSocket, apiToken } from "./support/seed";

test("replying quotes the parent on both sides, and the quote jumps to it", async ({ newUser }) => {
  const a = await newUser("sal");
  const b = await newUser("tia");
  await meetInPublicRoom(a, b);
  await a.chat.sendAndWaitForAck("which day works for everyone?");
  const parent = b.chat.messages("which day works for everyone?");
  await expect(parent).toHaveCount(1);

  await parent.hover();
  await parent.getByTestId("message-reply").click();
  await expect(b.page.getByTestId("composer-reply")).toContainText(`Replying to ${a.username}: which day works for everyone?`);
  await b.chat.sendAndWaitForAck("thursday suits me");
  await expect(b.page.getByTestId("composer-reply")).toHaveCount(0);

  for (const user of [a, b]) {
    const quote = user.chat.messages("thursday suits me").getByTestId("reply-quote");
    await expect(quote.getByTestId("reply-quote-sender")).toHaveText(a.username);
    await expect(quote.getByTestId("reply-quote-text")).toHaveText("which day works for everyone?");
  }

  await a.chat.messages("thursday suits me").getByTestId("reply-quote").click();
  const target = a.chat.messages("which day works for everyone?");
  await expect(target).toHaveAttribute("data-highlighted", "true");
  await expect(target).toBeInViewport();
});

test("a reply to a message older than the loaded history quotes it and jumps back to it", async ({ newUser, baseURL }) => {
  const a = await newUser("uma");
  const roomName = uniqueName("longreply");
  const roomId = await a.chat.createRoom(roomName);
  await a.page.goto("/");

  const seeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, a.username, a.password), roomId);
  try {
    const parent = await seeder.send(roomId, "the very first proposal");
    for (let n = 1; n <= 80; n++) await seeder.send(roomId, `filler ${n}`);
    await seeder.send(roomId, "agreeing with the first proposal", parent.id);
  } finally {
    seeder.close();
  }

  await a.chat.openRoom(roomId);
  await expect(a.chat.messageList).toHaveAttribute("data-loaded-messages", "50");
  await expect(a.chat.messages("the very first proposal")).toHaveCount(0);

  // The quote comes from GET /api/rooms/:id/messages/:messageId, not from the loaded page.
  const quote = a.chat.messages("agreeing with the first proposal").getByTestId("reply-quote");
  await expect(quote.getByTestId("reply-quote-sender")).toHaveText(a.username);
  await expect(quote.getByTestId("reply-quote-text")).toHaveText("the very first proposal");

  await quote.click();
  const target = a.chat.messages("the very first proposal");
  await expect(target).toHaveAttribute("data-highlighted", "true");
  await expect(target).toBeInViewport();
  // History was loaded back to the parent without holes: every seq from 1 up is there once.
  const seqs = await a.chat.loadedSeqs();
  expect(seqs[0]).toBe(1);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  expect(seqs.length).toBe(82);
});
