/**
 * Link previews and unique room names in the browser: a preview card appears for another
 * member (title as a safe new-tab link, description, site name); only the sender sees
 * "Remove preview", and removing it takes the card away for the other member live. Creating a
 * public room whose name is taken (in another case) shows the error at the name field, and so
 * does renaming a room onto a taken name in its settings.
 *
 * The page is served by this test on 127.0.0.1, which playwright.config.ts allow-lists
 * (LINK_PREVIEW_ALLOW_HOSTS).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, uniqueName } from "./fixtures";
import { ManagePage } from "./pages/manage";

let web: http.Server;
let webBase: string;

test.beforeAll(async () => {
  web = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html><head>
      <title>fallback</title>
      <meta property="og:title" content="Release notes 4.2">
      <meta property="og:description" content="Everything that changed in this release, explained.">
      <meta property="og:site_name" content="Example Blog">
      <meta property="og:image" content="http://127.0.0.1:1/tracker.png">
    </head><body></body></html>`);
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  web.closeAllConnections();
  await new Promise((resolve) => web.close(resolve));
});

test("a link preview appears for another member, and only the sender removes it", async ({ newUser }) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const roomName = uniqueName("previews");
  await alice.chat.createRoom(roomName);
  await bob.chat.joinFromBrowse(roomName);

  const text = `release is out: ${webBase}/notes`;
  await alice.chat.sendAndWaitForAck(text);

  const card = bob.chat.messages(text).getByTestId("link-preview");
  await expect(card).toBeVisible();
  const title = card.getByTestId("link-preview-title");
  await expect(title).toHaveText("Release notes 4.2");
  await expect(title).toHaveAttribute("href", `${webBase}/notes`);
  await expect(title).toHaveAttribute("target", "_blank");
  await expect(title).toHaveAttribute("rel", "noopener noreferrer nofollow");
  await expect(card.getByTestId("link-preview-description")).toHaveText("Everything that changed in this release, explained.");
  await expect(card.getByTestId("link-preview-site")).toHaveText("Example Blog");
  await expect(card.locator("img")).toHaveCount(0);
  await expect(card.getByTestId("link-preview-remove")).toHaveCount(0);

  const own = alice.chat.messages(text).getByTestId("link-preview");
  await expect(own).toBeVisible();
  await own.getByRole("button", { name: "Remove preview" }).click();
  await expect(own).toHaveCount(0);
  await expect(card).toHaveCount(0);
  await expect(bob.chat.messages(text)).toHaveCount(1);
});

test("the create-room form shows a taken name at the name field", async ({ newUser }) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const name = uniqueName("Lobby");
  await alice.chat.createRoom(name);

  await bob.page.getByTestId("create-room-open").click();
  const field = bob.page.getByTestId("create-room-name");
  await field.fill(name.toUpperCase());
  await bob.page.getByTestId("create-room-submit").click();
  const error = bob.page.getByTestId("create-room-name-error");
  await expect(error).toHaveText("A public room already has this name");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAttribute("aria-describedby", "create-room-name-error");
  await expect(bob.page).not.toHaveURL(/\/rooms\//);

  // Private is another scope: the same name is fine there.
  await bob.page.getByTestId("create-room-private").check();
  await bob.page.getByTestId("create-room-submit").click();
  await expect(bob.page.getByTestId("room-name")).toContainText(name.toUpperCase());
});

test("the settings form shows a taken name at the name field", async ({ newUser }) => {
  const alice = await newUser("alice");
  const taken = uniqueName("Taken");
  await alice.chat.createRoom(taken);
  await alice.chat.createRoom(uniqueName("Mine"));

  const manage = new ManagePage(alice.page);
  await manage.open();
  const field = alice.page.getByTestId("settings-name");
  await field.fill(taken.toLowerCase());
  await alice.page.getByTestId("settings-save").click();
  await expect(alice.page.getByTestId("settings-name-error")).toHaveText("A public room already has this name");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(alice.page.getByTestId("settings-saved")).toHaveCount(0);
  await field.fill(`${taken}-renamed`);
  await expect(alice.page.getByTestId("settings-name-error")).toHaveCount(0);
});
