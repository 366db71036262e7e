/**
 * The site admin page: the live dashboard's uPlot charts render and its numbers move when
 * people chat, and disabling a user from the Users section signs them out in their browser.
 */
import { expect, test, uniqueName } from "./fixtures";

/** Named in SITE_ADMINS by playwright.config.ts. */
const SITE_ADMIN = "e2e_site_admin";
const ADMIN_PASSWORD = "e2e site admin password";

async function signInAdmin(newUser: Parameters<Parameters<typeof test>[2]>[0]["newUser"], baseURL: string | undefined) {
  // The admin account exists once per server run; a repeat signs in instead.
  const res = await fetch(`${baseURL}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: SITE_ADMIN, password: ADMIN_PASSWORD }),
  });
  expect([201, 409]).toContain(res.status);
  const admin = await newUser("adm", { signUp: false });
  await admin.auth.signIn(SITE_ADMIN, ADMIN_PASSWORD);
  await admin.auth.expectSignedIn(SITE_ADMIN);
  return admin;
}

test("the dashboard draws uPlot charts and its message count rises as people chat", async ({ newUser, baseURL }) => {
  const admin = await signInAdmin(newUser, baseURL);
  await admin.page.getByTestId("admin-link").click();
  await expect(admin.page).toHaveURL(/\/admin$/);
  await expect(admin.page.getByTestId("dashboard-live")).toHaveText("● live");
  for (const chart of ["connections", "messages", "send-ack", "fanout", "loop-lag", "jobs"]) {
    await expect(admin.page.getByTestId(`chart-${chart}`).locator("canvas")).toHaveCount(1);
  }
  await expect.poll(async () => Number(await admin.page.getByTestId("stat-connections").getAttribute("data-value"))).toBeGreaterThanOrEqual(1);
  const before = Number(await admin.page.getByTestId("stat-messages").getAttribute("data-value"));

  const talker = await newUser("tal");
  await talker.chat.createRoom(uniqueName("busy"));
  for (let i = 0; i < 3; i++) await talker.chat.sendAndWaitForAck(`dashboard message ${i}`);

  // Sampled every few seconds and pushed over server-sent events: no reload.
  await expect.poll(async () => Number(await admin.page.getByTestId("stat-messages").getAttribute("data-value")), { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 3);
  await expect.poll(async () => await admin.page.getByTestId("stat-ack-p99").textContent(), { timeout: 20_000 }).not.toBe("—");
});

test("disabling a user from the Users section signs them out in their browser", async ({ newUser, baseURL }) => {
  const admin = await signInAdmin(newUser, baseURL);
  const victim = await newUser("vic");
  await victim.chat.createRoom(uniqueName("soon"));

  await admin.page.goto("/admin");
  await admin.page.getByTestId("admin-tab-users").click();
  await admin.page.getByTestId("admin-users-search").fill(victim.username);
  const row = admin.page.locator(`[data-testid="admin-user-row"][data-username="${victim.username}"]`);
  await expect(row).toHaveCount(1);
  admin.page.once("dialog", (dialog) => void dialog.accept());
  await row.getByTestId("admin-user-disable").click();
  await expect(row.getByTestId("admin-user-status")).toHaveText("disabled");

  // Their socket is closed with 4001 and the app ends the session.
  await expect(victim.page).toHaveURL(/\/signin/, { timeout: 10_000 });
  await victim.page.goto("/");
  await expect(victim.page).toHaveURL(/\/signin/);
  await victim.auth.signIn(victim.username, victim.password);
  await expect(victim.page.getByTestId("current-user")).toHaveCount(0);

  await admin.page.getByTestId("admin-tab-audit").click();
  await expect(admin.page.locator('[data-testid="admin-audit-entry"][data-action="user_disable"]').filter({ hasText: victim.username })).toHaveCount(1);
});

test("a password reset link from the Users section lets the user set a new password, once", async ({ newUser, baseURL }) => {
  const admin = await signInAdmin(newUser, baseURL);
  const user = await newUser("forgot");
  await admin.page.goto("/admin");
  await admin.page.getByTestId("admin-tab-users").click();
  await admin.page.getByTestId("admin-users-search").fill(user.username);
  const row = admin.page.locator(`[data-testid="admin-user-row"][data-username="${user.username}"]`);
  await row.getByTestId("admin-user-reset").click();
  const url = (await admin.page.getByTestId("admin-reset-url").textContent())!;
  expect(url).toMatch(/\/reset\/[A-Za-z0-9_-]{40,}$/);

  const stranger = await newUser("strg", { signUp: false });
  await stranger.page.goto(new URL(url).pathname);
  await expect(stranger.page.getByTestId("reset-username")).toHaveText(user.username);
  await stranger.page.getByTestId("reset-password").fill("my fresh new password");
  await stranger.page.getByTestId("reset-submit").click();
  await expect(stranger.page.getByTestId("reset-done")).toContainText(user.username);
  await stranger.page.goto(new URL(url).pathname);
  await expect(stranger.page.getByTestId("reset-invalid")).toBeVisible();

  await stranger.auth.signIn(user.username, "my fresh new password");
  await stranger.auth.expectSignedIn(user.username);
});

test("archiving a room from the Rooms section makes it read-only in its members' open tabs", async ({ newUser, baseURL }) => {
  const admin = await signInAdmin(newUser, baseURL);
  const member = await newUser("arc");
  const name = uniqueName("shelf");
  await member.chat.createRoom(name);
  await member.chat.sendAndWaitForAck("kept for the record");

  await admin.page.goto("/admin");
  await admin.page.getByTestId("admin-tab-rooms").click();
  await admin.page.getByTestId("admin-rooms-search").fill(name);
  const row = admin.page.locator(`[data-testid="admin-room-row"][data-room="${name}"]`);
  await expect(row.getByTestId("admin-room-messages")).toHaveText("1");
  admin.page.once("dialog", (dialog) => void dialog.accept());
  await row.getByTestId("admin-room-archive").click();
  await expect(row.getByTestId("admin-room-unarchive")).toBeVisible();

  // Live, through room_updated: no reload.
  await expect(member.page.getByTestId("composer-blocked")).toHaveText("This room is archived and read-only.");
  await expect(member.chat.composer).toBeDisabled();
  await expect(member.page.getByText("kept for the record")).toBeVisible();

  await row.getByTestId("admin-room-unarchive").click();
  await expect(member.page.getByTestId("composer-blocked")).toHaveCount(0);
  await member.chat.sendAndWaitForAck("open again");
});
