/**
 * Search: Ctrl/Cmd+K (or the shell's button) opens the dialog; results are grouped by room with
 * the match highlighted (as text: the message's own markup stays text); clicking one opens the
 * room at that message, history loaded back to it, the message highlighted.
 */
import { expect, test, uniqueName } from "./fixtures";
import { SeedSocket, apiToken } from "./support/seed";

test("search finds an old message by prefix and jumps to it, highlighted", async ({ newUser, baseURL }) => {
  const a = await newUser("sky");
  const roomId = await a.chat.createRoom(uniqueName("searchroom"));
  const other = await a.chat.createRoom(uniqueName("otherroom"));
  const word = `rollout${Date.now().toString(36).replace(/[0-9]/g, "")}`;
  const seeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, a.username, a.password), roomId);
  try {
    await seeder.send(roomId, `the ${word} plan <img src=x onerror=alert(1)> is ready`);
    for (let n = 1; n <= 80; n++) await seeder.send(roomId, `filler ${n}`);
  } finally {
    seeder.close();
  }
  const otherSeeder = await SeedSocket.open(baseURL!, await apiToken(baseURL!, a.username, a.password), other);
  try {
    await otherSeeder.send(other, `${word} in the other room`);
  } finally {
    otherSeeder.close();
  }

  // Opened from somewhere else in the app, with the keyboard.
  await a.page.goto("/");
  // Hydrated (the socket is live) before the first key or click: earlier ones reach no handler.
  await expect(a.chat.status).toHaveText("online");
  await a.page.keyboard.press("ControlOrMeta+k");
  const dialog = a.page.getByTestId("search-dialog");
  await expect(dialog).toBeVisible();
  await a.page.getByTestId("search-input").fill(word.slice(0, word.length - 2));
  await expect(dialog.getByTestId("search-group")).toHaveCount(2);
  await expect(dialog.locator(`[data-testid="search-group"][data-room-id="${roomId}"] [data-testid="search-result"]`)).toHaveCount(1);
  const hit = dialog.locator(`[data-testid="search-group"][data-room-id="${roomId}"] [data-testid="search-result"]`);
  await expect(hit.locator("mark")).toHaveText(word);
  // The message's markup is shown as text, never rendered.
  await expect(hit.getByTestId("search-highlight")).toContainText("<img src=x onerror=alert(1)>");
  await expect(dialog.locator("img")).toHaveCount(0);

  await hit.click();
  await expect(dialog).toHaveCount(0);
  await expect(a.page).toHaveURL(new RegExp(`/rooms/${roomId}\\?message=`));
  const target = a.chat.messages(`the ${word} plan <img src=x onerror=alert(1)> is ready`);
  await expect(target).toHaveAttribute("data-highlighted", "true");
  await expect(target).toBeInViewport();
  // History was loaded back to it without holes: every seq from 1 up is there once.
  const seqs = await a.chat.loadedSeqs();
  expect(seqs).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
});

test("the shell's search button opens the dialog; no match says so; Escape closes", async ({ newUser }) => {
  const a = await newUser("ida");
  await a.page.goto("/");
  // Hydrated (the socket is live) before the first key or click: earlier ones reach no handler.
  await expect(a.chat.status).toHaveText("online");
  await a.page.getByTestId("search-open").click();
  await a.page.getByTestId("search-input").fill(`nothingmatches${Date.now().toString(36).replace(/[0-9]/g, "")}`);
  await expect(a.page.getByTestId("search-empty")).toBeVisible();
  await a.page.keyboard.press("Escape");
  await expect(a.page.getByTestId("search-dialog")).toHaveCount(0);
});
