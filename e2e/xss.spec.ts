/**
 * An XSS corpus through every text field a user controls — message, reply, room name, topic,
 * mute and ban reasons (members list, bans, audit log), the invitation page, and usernames at
 * sign-up and sign-in — rendered in Chromium. Nothing may run (no dialog, no marker set by a
 * handler), nothing may be injected (no element carrying the corpus' marker attribute), and
 * the page's CSP must report no violation (the fixture fails the test on any).
 */
import type { Page } from "@playwright/test";
import { expect, test, uniqueName, type ChatUser } from "./fixtures";
import { apiToken, SeedSocket } from "./support/seed";

/** Every payload carries `data-xss` if it becomes an element and sets window.__xss if it runs. */
const CORPUS = [
  `<img src=x onerror=alert(1) data-xss>`,
  `<script data-xss>window.__xss=1;alert(1)</script>`,
  `"><svg data-xss onload="window.__xss=1">`,
  `<a data-xss href="javascript:window.__xss=1">x</a>`,
  `<iframe data-xss srcdoc="<script>parent.__xss=1</script>">`,
  `[md](javascript:window.__xss=1) <b data-xss>b</b>`,
  `{{constructor.constructor('window.__xss=1')()}}`,
  `<style data-xss>body{display:none}</style>`,
  `javascript:window.__xss=1//<details data-xss open ontoggle=alert(1)>`,
] as const;

/**
 * What a payload reads as in a message: messages are markdown, so a link to an unsafe URL keeps
 * only its words (raw HTML stays literal text).
 */
const shown = (payload: string) => payload.replace("[md](javascript:window.__xss=1)", "md");

async function api<T>(baseURL: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(baseURL + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json().catch(() => null)) as T;
}

/** Records dialogs on a page; the corpus must open none. */
function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

async function expectInert(page: Page, dialogs: string[], where: string): Promise<void> {
  // Give event handlers (onerror, onload, ontoggle) a chance to fire if anything was injected.
  await page.waitForTimeout(300);
  expect(await page.locator("[data-xss]").count(), `${where}: injected elements`).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), `${where}: script ran`).toBeUndefined();
  expect(dialogs, `${where}: dialogs`).toEqual([]);
}

test("the XSS corpus renders as text in every field", async ({ newUser, baseURL }) => {
  test.setTimeout(120_000);
  const base = baseURL!;
  const owner: ChatUser = await newUser("xss");
  const dialogs = watchDialogs(owner.page);
  const token = await apiToken(base, owner.username, owner.password);

  const name = CORPUS[0];
  const topic = CORPUS.join(" ").slice(0, 500);
  const room = await api<{ id: string }>(base, token, "POST", "/api/rooms", { name, visibility: "public", topic });

  // Members to moderate, with the corpus as reasons.
  const members: string[] = [];
  for (let i = 0; i < 3; i++) {
    const username = uniqueName("target");
    const reg = await fetch(`${base}/api/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: owner.password }) });
    const { id } = (await reg.json()) as { id: string };
    await api(base, await apiToken(base, username, owner.password), "POST", `/api/rooms/${room.id}/join`);
    members.push(id);
  }
  await api(base, token, "POST", `/api/rooms/${room.id}/moderation`, { action: "mute", user: members[0], duration_s: 3600, reason: CORPUS[1] });
  await api(base, token, "POST", `/api/rooms/${room.id}/moderation`, { action: "ban", user: members[1], reason: CORPUS[2] });
  await api(base, token, "POST", `/api/rooms/${room.id}/moderation`, { action: "kick", user: members[2], reason: CORPUS[3] });

  // Messages, and a reply quoting one of them.
  const socket = await SeedSocket.open(base, token, room.id);
  const sent = [];
  for (const payload of CORPUS) sent.push(await socket.send(room.id, payload));
  await socket.send(room.id, `reply ${CORPUS[4]}`, sent[1]!.id);
  socket.close();
  const invite = await api<{ url: string }>(base, token, "POST", `/api/rooms/${room.id}/invites`, {});

  // The room: name, topic, messages, the reply quote.
  await owner.page.goto(`/rooms/${room.id}`);
  await expect(owner.page.getByTestId("room-name")).toContainText(name);
  await expect(owner.page.getByTestId("room-topic")).toContainText(CORPUS[1]);
  for (const payload of CORPUS) await expect(owner.page.getByTestId("message-content").filter({ hasText: shown(payload) }).first()).toBeVisible();
  await expect(owner.page.getByTestId("reply-quote-text").first()).toContainText(CORPUS[1]);
  await expectInert(owner.page, dialogs, "room");

  // The admin panel: members (mute reason), bans, audit log (all three reasons), settings form.
  await owner.page.goto(`/rooms/${room.id}/manage`);
  await expect(owner.page.getByTestId("manage-room-panel")).toBeVisible();
  await expect(owner.page.getByTestId("ban-row").first()).toContainText(CORPUS[2]);
  for (const reason of [CORPUS[1], CORPUS[2], CORPUS[3]]) await expect(owner.page.getByTestId("audit-table")).toContainText(reason);
  await expect(owner.page.getByTestId("settings-name")).toHaveValue(name);
  await expectInert(owner.page, dialogs, "manage");

  // The invitation page, as a visitor who is not signed in.
  const visitor = await newUser("visitor", { signUp: false });
  const visitorDialogs = watchDialogs(visitor.page);
  await visitor.page.goto(new URL(invite.url).pathname);
  await expect(visitor.page.getByTestId("invite-room-name")).toHaveText(name);
  await expectInert(visitor.page, visitorDialogs, "invite");

  // Usernames cannot carry markup: sign-up refuses them, sign-in fails, and neither renders them as HTML.
  await visitor.page.goto("/signup");
  await visitor.page.getByTestId("signup-username").fill(CORPUS[0]);
  await visitor.page.getByTestId("signup-password").fill(owner.password);
  await visitor.page.getByTestId("signup-submit").click();
  await expect(visitor.page).toHaveURL(/\/signup/);
  await expectInert(visitor.page, visitorDialogs, "sign-up");
  await visitor.page.goto("/signin");
  await visitor.page.getByTestId("signin-username").fill(CORPUS[2]);
  await visitor.page.getByTestId("signin-password").fill(owner.password);
  await visitor.page.getByTestId("signin-submit").click();
  await expect(visitor.page).toHaveURL(/\/signin/);
  await expectInert(visitor.page, visitorDialogs, "sign-in");
});
