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
  await expect.poll(async () => Number(await admin.page.getByTestId("stat-connections").textContent())).toBeGreaterThanOrEqual(1);
  const before = Number(await admin.page.getByTestId("stat-messages").textContent());

  const talker = await newUser("tal");
  await talker.chat.createRoom(uniqueName("busy"));
  for (let i = 0; i < 3; i++) await talker.chat.sendAndWaitForAck(`dashboard message ${i}`);

  // Sampled every few seconds and pushed over server-sent events: no reload.
  await expect.poll(async () => Number(await admin.page.getByTestId("stat-messages").textContent()), { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 3);
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
