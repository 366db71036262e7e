/**
 * Message markdown in Chromium: GFM rendering with highlighted code, safe links, an XSS corpus
 * written as markdown, images that are never fetched, and markdown bombs that render as plain
 * text without freezing the page. The fixture also fails any test that trips the CSP.
 */
import type { Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";
import { apiToken, SeedSocket } from "./support/seed";

const REL = "noopener noreferrer nofollow";

/** The owner's room with `contents` posted in order over the socket (multi-line text is awkward to type). */
async function roomWith(page: Page, baseURL: string, username: string, password: string, contents: readonly string[]): Promise<string> {
  const res = await fetch(`${baseURL}/api/rooms`, {
    method: "POST",
    headers: { authorization: `Bearer ${await apiToken(baseURL, username, password)}`, "content-type": "application/json" },
    body: JSON.stringify({ name: uniqueName("md"), visibility: "public" }),
  });
  const room = (await res.json()) as { id: string };
  const socket = await SeedSocket.open(baseURL, await apiToken(baseURL, username, password), room.id);
  try {
    for (const content of contents) await socket.send(room.id, content);
  } finally {
    socket.close();
  }
  await page.goto(`/rooms/${room.id}`);
  await expect(page.getByTestId("message")).toHaveCount(contents.length);
  return room.id;
}

test("messages render as GFM: emphasis, highlighted code, tables, lists, quotes, autolinks", async ({ newUser, baseURL }) => {
  const ann = await newUser("mdann");
  const content = [
    "**bold** _italic_ ~~struck~~ `inline()`",
    "",
    "```ts",
    "const answer: number = 42;",
    "```",
    "",
    "| name | qty |",
    "|:-----|----:|",
    "| tea  |   2 |",
    "",
    "- one",
    "- two",
    "",
    "> quoted",
    "",
    "see https://example.com/path?q=1 and [docs](https://example.org/docs)",
  ].join("\n");
  await roomWith(ann.page, baseURL!, ann.username, ann.password, [content]);
  const body = ann.page.getByTestId("message-content");

  await expect(body.locator("strong")).toHaveText("bold");
  await expect(body.locator("em")).toHaveText("italic");
  await expect(body.locator("del")).toHaveText("struck");
  await expect(body.locator(":not(pre) > code")).toHaveText("inline()");
  const code = body.locator("pre > code.hljs.language-ts");
  await expect(code).toContainText("const answer: number = 42;");
  await expect(code.locator(".hljs-keyword").first()).toHaveText("const");
  // The highlight theme applies: keywords are coloured, not the body text colour.
  expect(await code.locator(".hljs-keyword").first().evaluate((el) => getComputedStyle(el).color)).not.toBe(await code.evaluate((el) => getComputedStyle(el).color));
  await expect(body.locator("table th")).toHaveText(["name", "qty"]);
  await expect(body.locator("table td")).toHaveText(["tea", "2"]);
  await expect(body.locator("ul > li")).toHaveText(["one", "two"]);
  await expect(body.locator("blockquote")).toHaveText("quoted");

  const links = body.locator("a");
  await expect(links).toHaveCount(2);
  await expect(links.nth(0)).toHaveAttribute("href", "https://example.com/path?q=1");
  await expect(links.nth(1)).toHaveAttribute("href", "https://example.org/docs");
  for (const link of await links.all()) {
    await expect(link).toHaveAttribute("rel", REL);
    await expect(link).toHaveAttribute("target", "_blank");
  }
});

test("an XSS corpus written as markdown stays inert, and markdown images are never fetched", async ({ newUser, baseURL }) => {
  const eve = await newUser("mdeve");
  const dialogs: string[] = [];
  eve.page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const thirdParty: string[] = [];
  const origin = new URL(baseURL!).host;
  eve.page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol.startsWith("http") && url.host !== origin) thirdParty.push(req.url());
  });

  const corpus = [
    "[click](javascript:window.__xss=1)",
    "[upper](JAVASCRIPT:window.__xss=1)",
    "<img src=x onerror=window.__xss=1 data-xss>",
    "<script data-xss>window.__xss=1</script>",
    `<https://example.com/"onmouseover="window.__xss=1">`,
    `https://example.com/'onmouseover='window.__xss=1`,
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    "![tracking pixel](https://tracker.example/pixel.gif)",
    "[![badge](https://tracker.example/badge.svg)](https://example.com/)",
    `<a href="javascript:window.__xss=1" data-xss>raw link</a>`,
  ];
  await roomWith(eve.page, baseURL!, eve.username, eve.password, corpus);
  const bodies = eve.page.getByTestId("message-content");

  // Unsafe links keep their words and lose their URL; raw HTML is shown as the text typed.
  await expect(bodies.nth(0)).toHaveText("click");
  await expect(bodies.nth(2)).toHaveText(corpus[2]!);
  await expect(bodies.nth(3)).toHaveText(corpus[3]!);
  await expect(bodies.nth(10)).toHaveText(corpus[10]!);
  // Images are links to them showing their alt text (and the picture is not loaded).
  await expect(bodies.nth(8).locator("a")).toHaveText("tracking pixel");
  await expect(bodies.nth(8).locator("a")).toHaveAttribute("href", "https://tracker.example/pixel.gif");
  await expect(bodies.nth(9).locator("a")).toHaveText("badge");
  await expect(bodies.nth(9).locator("a")).toHaveAttribute("href", "https://example.com/");
  await expect(eve.page.locator('[data-testid="message-content"] img')).toHaveCount(0);

  // Every link that exists is http(s), opens in a new tab and leaks nothing.
  const links = eve.page.locator('[data-testid="message-content"] a');
  for (const link of await links.all()) {
    expect(await link.getAttribute("href")).toMatch(/^https?:\/\//);
    await expect(link).toHaveAttribute("rel", REL);
    await expect(link).toHaveAttribute("target", "_blank");
    expect(await link.evaluate((el) => el.getAttributeNames().sort())).toEqual(expect.arrayContaining(["href", "rel", "target"]));
    expect(await link.evaluate((el) => el.getAttributeNames().filter((n) => n.startsWith("on")))).toEqual([]);
  }
  await expect(eve.page.locator('a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]')).toHaveCount(0);

  // Quotes in autolinks stay inside the URL: hovering the links runs nothing.
  for (const i of [4, 5]) await bodies.nth(i).locator("a").hover();
  await expect(eve.page.locator("[data-xss]")).toHaveCount(0);
  expect(await eve.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(thirdParty).toEqual([]);
});

test("markdown bombs render as plain text and the page stays responsive", async ({ newUser, baseURL }) => {
  const bob = await newUser("mdbomb");
  const bombs = [">".repeat(3_990) + " deep", "- ".repeat(1_990) + "x", "`".repeat(4_000), "*a".repeat(2_000)];
  await roomWith(bob.page, baseURL!, bob.username, bob.password, bombs);
  const bodies = bob.page.getByTestId("message-content");
  for (let i = 0; i < bombs.length; i++) {
    await expect(bodies.nth(i).locator('[data-markdown="plain"]')).toHaveText(bombs[i]!);
  }
  await expect(bob.page.locator('[data-testid="message-content"] blockquote, [data-testid="message-content"] li')).toHaveCount(0);
  // Still interactive: a new message goes out and renders as markdown.
  await bob.chat.send("still **alive**");
  await expect(bob.chat.messages("still alive").and(bob.page.locator('[data-state="sent"]'))).toHaveCount(1);
  await expect(bob.chat.messages("still alive").locator("strong")).toHaveText("alive");
});
