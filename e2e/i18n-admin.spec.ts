/**
 * Room management and the site admin console in German: a browser whose language is de-DE
 * (Playwright sends it as Accept-Language) gets German headings, role names, audit rows and
 * dates formatted the German way, with no language chosen in the settings.
 */
import type { Browser } from "@playwright/test";
import { type CspWatch, expect, PASSWORD, test, uniqueName } from "./fixtures";
import { AuthPage } from "./pages/auth";
import { ChatPage } from "./pages/chat";
import { ManagePage } from "./pages/manage";

/** Named in SITE_ADMINS by playwright.config.ts (see e2e/admin-dashboard.spec.ts). */
const SITE_ADMIN = "e2e_site_admin";
const ADMIN_PASSWORD = "e2e site admin password";

/** "09.12.2026, 14:05": German day.month.year and a 24-hour time. */
const GERMAN_DATE_TIME = /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/;

async function germanPage(browser: Browser, cspWatch: CspWatch) {
  const context = await browser.newContext({ locale: "de-DE" });
  await cspWatch.attach(context);
  const page = await context.newPage();
  return { context, page, auth: new AuthPage(page), chat: new ChatPage(page) };
}

test("a room owner manages the room in German: headings, role names, the audit log's change, German dates", async ({ browser, cspWatch }) => {
  const owner = await germanPage(browser, cspWatch);
  const username = uniqueName("eva");
  await owner.auth.signUp(username, PASSWORD);
  await expect(owner.page.getByTestId("current-user")).toHaveText(username);
  await owner.chat.createRoom(uniqueName("planung"));
  const panel = new ManagePage(owner.page);
  await panel.open();

  await expect(owner.page.locator("html")).toHaveAttribute("lang", "de");
  await expect(owner.page.getByText("Du bist hier Eigentümer.")).toBeVisible();
  for (const heading of ["Mitglieder · 1", "Gesperrt", "Einladungen", "Einstellungen", "Export", "Audit-Protokoll"]) {
    await expect(owner.page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
  }
  await expect(panel.member(username).getByTestId("member-role")).toHaveText("Eigentümer");
  await expect(owner.page.getByTestId("invite-role").locator("option")).toHaveText(["Admin", "Moderator", "Mitglied", "Gast"]);
  await expect(owner.page.getByTestId("invite-expires").locator("option")).toHaveText(["1 Stunde", "1 Tag", "7 Tage", "30 Tage"]);
  await expect(owner.page.getByTestId("settings-save")).toHaveText("Einstellungen speichern");

  // An invitation lists its expiry as a German date and its state in German.
  await panel.createInvite({ role: "guest", maxUses: 3 });
  const invite = owner.page.getByTestId("invite-row").first();
  await expect(invite.getByTestId("invite-state")).toHaveText("aktiv");
  await expect(invite.locator("td").nth(0)).toHaveText("Gast");
  await expect(invite.locator("td").nth(2)).toHaveText(GERMAN_DATE_TIME);
  await expect(owner.page.getByTestId("invite-list").getByRole("columnheader", { name: "Aktionen", exact: true })).toHaveCount(1);

  // The audit log says what changed, in German.
  await panel.setTopic("Release-Planung");
  await expect(owner.page.getByTestId("settings-saved")).toHaveText("Gespeichert.");
  const settingsRow = owner.page.locator('[data-testid="audit-row"][data-action="settings"]');
  await expect(settingsRow.getByTestId("audit-change")).toHaveText("Thema: keine → Release-Planung");
  await expect(settingsRow.locator("td").nth(2)).toHaveText("Einstellungen");
  const inviteRow = owner.page.locator('[data-testid="audit-row"][data-action="invite_created"]');
  await expect(inviteRow.getByTestId("audit-change")).toHaveText("Rolle Gast, höchstens 3 Nutzungen");
  await expect(inviteRow.locator("td").nth(0)).toHaveText(GERMAN_DATE_TIME);
  await owner.context.close();
});

test("the site admin sees the admin console in German, with German dates", async ({ browser, cspWatch, baseURL }) => {
  // The admin account exists once per server run; a repeat signs in instead.
  const res = await fetch(`${baseURL}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: SITE_ADMIN, password: ADMIN_PASSWORD }),
  });
  expect([201, 409]).toContain(res.status);
  const admin = await germanPage(browser, cspWatch);
  await admin.auth.signIn(SITE_ADMIN, ADMIN_PASSWORD);
  await expect(admin.page.getByTestId("current-user")).toHaveText(SITE_ADMIN);

  await admin.page.goto("/admin");
  await expect(admin.page.getByRole("heading", { name: "Website-Verwaltung" })).toBeVisible();
  await expect(admin.page.getByRole("tablist")).toHaveAccessibleName("Bereiche der Website-Verwaltung");
  await expect(admin.page.getByTestId("admin-tab-users")).toHaveText("Benutzer");
  await expect(admin.page.getByTestId("admin-tab-archive")).toHaveText("Compliance-Archiv");
  await expect(admin.page.getByTestId("admin-dashboard")).toContainText("Verbindungen jetzt:");
  await expect(admin.page.getByTestId("chart-connections")).toContainText("Verbindungen");

  await admin.page.getByTestId("admin-tab-users").click();
  await admin.page.getByTestId("admin-users-search").fill(SITE_ADMIN);
  const row = admin.page.locator(`[data-testid="admin-user-row"][data-username="${SITE_ADMIN}"]`);
  await expect(row).toContainText("Website-Admin");
  await expect(row.getByTestId("admin-user-status")).toHaveText("aktiv");
  // Joined today, written the German way (day.month.year) in this browser's time zone.
  const today = await admin.page.evaluate(() => new Intl.DateTimeFormat("de-DE", { dateStyle: "medium" }).format(new Date()));
  expect(today).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
  await expect(row.getByTestId("admin-user-joined")).toHaveText(today);
  await expect(admin.page.getByTestId("admin-users-pager")).toContainText(/Seite 1 von 1 · \d+ insgesamt/);
  await admin.context.close();
});
