/** A room admin exports the room from the manage panel: progress, then files that hold the chat. */
import { expect, test, uniqueName } from "./fixtures";
import { ManagePage } from "./pages/manage";
import { apiToken, SeedSocket } from "./support/seed";

test("an admin exports a room: progress bar, then download links whose files hold the messages", async ({ newUser, baseURL }) => {
  const owner = await newUser("exa");
  const roomId = await owner.chat.createRoom(uniqueName("export"));
  // Enough history for several pages of the export.
  const seed = await SeedSocket.open(baseURL!, await apiToken(baseURL!, owner.username, owner.password), roomId);
  for (let i = 0; i < 120; i++) await seed.send(roomId, `backlog ${i}`);
  seed.close();
  await owner.chat.sendAndWaitForAck(`<b>said in the browser</b> & kept`);

  // The panel shows progress until it learns the export is done: answers that say "done" are
  // held until the test has seen the bar, so a fast export (or a slow page) cannot skip it.
  let release!: () => void;
  const seenBar = new Promise<void>((resolve) => (release = resolve));
  await owner.page.route(
    (url) => new RegExp(`/api/rooms/${roomId}/exports(/[^/]+)?$`).test(url.pathname),
    async (route) => {
      const response = await route.fetch();
      if (/"status":"done"/.test(await response.text())) await seenBar;
      await route.fulfill({ response });
    },
  );
  const panel = new ManagePage(owner.page);
  await panel.open();
  await panel.exportRoom({ beforeDone: async () => release() });
  await expect(owner.page.getByTestId("export-ready")).toContainText(/Links expire/);

  const html = await panel.download("html");
  expect(html.name).toMatch(/^confab-export_.*\.html$/);
  expect(html.text).toContain("&lt;b&gt;said in the browser&lt;/b&gt; &amp; kept");
  expect(html.text).toContain("backlog 119");
  expect(html.text).not.toMatch(/<script/i);

  const jsonl = await panel.download("jsonl");
  const lines = jsonl.text.trimEnd().split("\n").map((l) => JSON.parse(l) as { content: string; seq: number });
  expect(lines).toHaveLength(121);
  expect(lines.at(-1)!.content).toBe("<b>said in the browser</b> & kept");
  expect(lines.map((m) => m.seq)).toEqual([...lines.map((m) => m.seq)].sort((a, b) => a - b));
});
