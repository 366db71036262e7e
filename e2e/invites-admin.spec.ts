/** A revoked invitation link stops working, and the site admin page is for site admins only. */
import { expect, test, uniqueName } from "./fixtures";
import { InvitePage } from "./pages/invite";
import { ManagePage } from "./pages/manage";

/** Named in SITE_ADMINS by playwright.config.ts: an admin whatever order users registered in. */
const SITE_ADMIN = "e2e_site_admin";

test("a revoked invitation link shows the invalid-invitation page", async ({ newUser }) => {
  const owner = await newUser("fay");
  const roomName = uniqueName("secret");
  await owner.chat.createRoom(roomName, { visibility: "private" });
  const panel = new ManagePage(owner.page);
  await panel.open();
  const invitePath = await panel.createInvite();

  // While active, the link previews the room.
  const guest = await newUser("gil");
  await new InvitePage(guest.page).open(invitePath, roomName);

  const row = owner.page.getByTestId("invite-row").first();
  await expect(row.getByTestId("invite-state")).toHaveText("active");
  // The column of Revoke buttons is named for screen readers, though it shows no heading.
  await expect(owner.page.getByTestId("invite-list").getByRole("columnheader", { name: "Actions", exact: true })).toHaveCount(1);
  await row.getByTestId("invite-revoke").click();
  await expect(row.getByTestId("invite-state")).toHaveText("revoked");
  await expect(row.getByTestId("invite-revoke")).toHaveCount(0);

  await guest.page.goto(invitePath);
  await expect(guest.page.getByTestId("invite-invalid")).toHaveText(/This invitation is invalid or has expired\./);
  await expect(guest.page.getByTestId("invite-accept")).toHaveCount(0);
});

test("the site admin sees activity on /admin; other users are refused", async ({ newUser, baseURL }) => {
  // The admin account exists once per server run; a repeat of this test signs in instead.
  const res = await fetch(`${baseURL}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: SITE_ADMIN, password: "e2e site admin password" }),
  });
  expect([201, 409]).toContain(res.status);

  const admin = await newUser("adm", { signUp: false });
  await admin.auth.signIn(SITE_ADMIN, "e2e site admin password");
  await admin.auth.expectSignedIn(SITE_ADMIN);
  // Something to count today: a room join and a message.
  await admin.chat.createRoom(uniqueName("ops"));
  await admin.chat.sendAndWaitForAck("activity for the report");

  await admin.page.getByTestId("admin-link").click();
  await expect(admin.page).toHaveURL(/\/admin$/);
  await admin.page.getByTestId("admin-tab-activity").click();
  const today = new Date().toISOString().slice(0, 10);
  const row = admin.page.locator(`[data-testid="activity-row"][data-day^="${today}"]`);
  await expect(row).toHaveCount(1);
  await expect.poll(async () => Number(await row.locator('[data-kind="message"]').getAttribute("data-value"))).toBeGreaterThanOrEqual(1);
  await expect(admin.page.getByTestId("admin-forbidden")).toHaveCount(0);

  // Registered after the admin account: never the site's first user.
  const other = await newUser("hal");
  await expect(other.page.getByTestId("admin-link")).toHaveCount(0);
  await other.page.goto("/admin");
  await expect(other.page.getByTestId("admin-forbidden")).toHaveText("This page is for site administrators.");
  await expect(other.page.getByTestId("activity-table")).toHaveCount(0);
  // The data behind it is refused too.
  const api = await other.page.request.get("/api/admin/activity?days=30");
  expect(api.status()).toBe(403);
});
