/**
 * Accessibility sweep (issue 13): axe-core with the WCAG 2.1 A/AA rules finds nothing on any
 * page, in the light theme and in the dark one. The theme comes from the browser's colour scheme
 * (the users here keep the default "system" choice), so this also covers following the system.
 * Every page also has one main landmark and an h1. The pages people use on a phone are scanned
 * again at 390×844 with touch, in both themes.
 *
 * The room is seeded to show what a real one does: messages from two people with markdown and
 * code, reactions, a reply, system lines (joins), and the member list open.
 */
import { expect, test, uniqueName, type CspWatch } from "./fixtures";
import { axeViolations } from "./support/a11y";
import { apiToken, SeedSocket } from "./support/seed";
import type { Browser, BrowserContext, Page } from "@playwright/test";

/** Named in SITE_ADMINS by playwright.config.ts (see e2e/invites-admin.spec.ts). */
const SITE_ADMIN = "e2e_site_admin";
const ADMIN_PASSWORD = "e2e site admin password";
const MEMBER_PASSWORD = "correct horse battery staple";

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;
type Seeded = { roomId: string; invitePath: string; signedIn: StorageState };

let seeded: Seeded | null = null;

async function post<T>(baseURL: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

/** Once per run: the admin, a second member, a lively room, an invitation and a signed-in browser state. */
async function seed(browser: Browser, baseURL: string): Promise<Seeded> {
  if (seeded) return seeded;
  const admin = await post(baseURL, "/api/register", { username: SITE_ADMIN, password: ADMIN_PASSWORD });
  expect([201, 409]).toContain(admin.status);
  const memberName = uniqueName("mira");
  expect((await post(baseURL, "/api/register", { username: memberName, password: MEMBER_PASSWORD })).status).toBe(201);
  const adminToken = await apiToken(baseURL, SITE_ADMIN, ADMIN_PASSWORD);
  const memberToken = await apiToken(baseURL, memberName, MEMBER_PASSWORD);

  const room = await post<{ id: string }>(baseURL, "/api/rooms", { name: uniqueName("a11y"), visibility: "public", topic: "Where the sweep looks" }, adminToken);
  expect(room.status).toBe(201);
  const roomId = room.body.id;
  expect((await post(baseURL, `/api/rooms/${roomId}/join`, {}, memberToken)).status).toBe(200);

  const adminSocket = await SeedSocket.open(baseURL, adminToken, roomId);
  const memberSocket = await SeedSocket.open(baseURL, memberToken, roomId);
  const hello = await adminSocket.send(roomId, "Welcome! Read the **rules** and see [the docs](https://example.com/docs).");
  await memberSocket.send(roomId, "Thanks. Here is the snippet:\n\n```ts\nconst answer: number = 42; // why not\n```");
  await adminSocket.send(roomId, "> quoted text\n\n- one\n- two\n\n`inline code` and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |");
  await memberSocket.send(roomId, "Replying to the welcome", hello.id);
  await memberSocket.react(roomId, hello.id, "👍");
  await adminSocket.react(roomId, hello.id, "🎉");
  adminSocket.close();
  memberSocket.close();

  const invite = await post<{ url: string }>(baseURL, `/api/rooms/${roomId}/invites`, { expires_in_s: 86_400, role: "member" }, adminToken);
  expect(invite.status).toBe(201);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByTestId("signin-username").fill(SITE_ADMIN);
  await page.getByTestId("signin-password").fill(ADMIN_PASSWORD);
  await page.getByTestId("signin-submit").click();
  await expect(page.getByTestId("current-user")).toHaveText(SITE_ADMIN);
  const signedIn = await context.storageState();
  await context.close();
  seeded = { roomId, invitePath: new URL(invite.body.url).pathname, signedIn };
  return seeded;
}

type Route = {
  name: string;
  signedIn: boolean;
  /** Opens the page and waits until what the scan should see is on screen. */
  open: (page: Page, s: Seeded) => Promise<void>;
};

const adminTab = (id: string, ready: (page: Page) => Promise<void>): Route => ({
  name: `admin: ${id}`,
  signedIn: true,
  open: async (page) => {
    await page.goto("/admin");
    await page.getByTestId(`admin-tab-${id}`).click();
    await expect(page.getByTestId(`admin-tab-${id}`)).toHaveAttribute("aria-selected", "true");
    await ready(page);
  },
});

const ROUTES: Route[] = [
  {
    name: "sign in",
    signedIn: false,
    open: async (page) => {
      await page.goto("/signin");
      await expect(page.getByTestId("signin-submit")).toBeVisible();
    },
  },
  {
    name: "sign up",
    signedIn: false,
    open: async (page) => {
      await page.goto("/signup");
      await expect(page.getByTestId("signup-submit")).toBeVisible();
    },
  },
  {
    name: "home",
    signedIn: true,
    open: async (page) => {
      await page.goto("/");
      await expect(page.getByTestId("connection-status")).toHaveText("online");
    },
  },
  {
    name: "room",
    signedIn: true,
    open: async (page, s) => {
      await page.goto(`/rooms/${s.roomId}`);
      await expect(page.getByTestId("connection-status")).toHaveText("online");
      await expect(page.getByTestId("message").filter({ hasText: "Replying to the welcome" })).toBeVisible();
      await expect(page.getByTestId("system-message").first()).toBeVisible();
      // Beside the messages on a wide screen, in a sheet on a phone.
      const list = page.getByTestId("member-list").filter({ visible: true });
      if ((await list.count()) === 0) await page.getByTestId("member-count").click();
      await expect(list).toBeVisible();
    },
  },
  {
    name: "manage",
    signedIn: true,
    open: async (page, s) => {
      await page.goto(`/rooms/${s.roomId}/manage`);
      await expect(page.getByTestId("manage-room-panel")).toBeVisible();
      await expect(page.getByTestId("manage-member").first()).toBeVisible();
      await page.waitForLoadState("networkidle");
    },
  },
  {
    name: "settings",
    signedIn: true,
    open: async (page) => {
      await page.goto("/settings");
      await expect(page.getByTestId("theme-system")).toBeEnabled();
      await expect(page.getByTestId("display-name-input")).toBeVisible();
    },
  },
  adminTab("dashboard", (page) => expect(page.getByTestId("dashboard-live")).toHaveText("● live")),
  adminTab("users", (page) => expect(page.getByTestId("admin-user-status").first()).toBeVisible()),
  adminTab("rooms", (page) => expect(page.getByTestId("admin-room-members").first()).toBeVisible()),
  adminTab("archive", (page) => expect(page.getByTestId("archive-state")).toBeVisible()),
  adminTab("audit", (page) => expect(page.getByTestId("admin-audit-entry").or(page.getByText("No site-admin actions yet.")).first()).toBeVisible()),
  adminTab("activity", (page) => expect(page.getByTestId("activity-row").first()).toBeVisible()),
  {
    name: "invite",
    signedIn: false,
    open: async (page, s) => {
      await page.goto(s.invitePath);
      await expect(page.getByTestId("invite-room-name")).toBeVisible();
    },
  },
  {
    name: "404",
    signedIn: false,
    open: async (page) => {
      await page.goto("/no/such/page");
      await expect(page.getByTestId("error-home")).toBeVisible();
    },
  },
];

type ContextOptions = NonNullable<Parameters<Browser["newContext"]>[0]>;

/** A phone: the layout where the sidebar, member list and message actions change shape. */
const PHONE: ContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

/**
 * Opens the route once and scans it in the light theme, then in the dark one: the page follows
 * the emulated colour scheme (users here keep the "system" choice), so one visit covers both.
 */
async function scanBothThemes(browser: Browser, baseURL: string, cspWatch: CspWatch, route: Route, shot: (theme: string) => string, device: ContextOptions = {}): Promise<void> {
  const s = await seed(browser, baseURL);
  const context = await browser.newContext({ ...device, colorScheme: "light", ...(route.signedIn ? { storageState: s.signedIn } : {}) });
  await cspWatch.attach(context);
  try {
    const page = await context.newPage();
    await route.open(page, s);
    const problems: string[] = [];
    for (const theme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await expect(page.locator("html")).toHaveClass(new RegExp(`\\b${theme}\\b`));
      // Kept in test-results for a look by eye at every page in both themes.
      await page.screenshot({ path: shot(theme) });
      const violations = await axeViolations(page);
      // Best-practice landmarks axe's WCAG tags leave out, checked here so one run reports everything.
      const mains = await page.getByRole("main").count();
      if (mains !== 1) violations.push(`landmark: ${mains} main landmarks, expected exactly one`);
      if ((await page.locator("h1").count()) === 0) violations.push("heading: no h1 on the page");
      problems.push(...violations.map((v) => `[${theme}] ${v}`));
    }
    expect(problems, `${problems.length} accessibility problem(s) on ${route.name}:\n${problems.join("\n")}\n`).toEqual([]);
  } finally {
    await context.close();
  }
}

for (const route of ROUTES) {
  test(`${route.name} has no WCAG A/AA violations, light or dark`, async ({ browser, baseURL, cspWatch }, testInfo) => {
    await scanBothThemes(browser, baseURL!, cspWatch, route, (theme) => testInfo.outputPath(`${theme}.png`));
  });
}

// The phone layout, over the pages people use on a phone (the admin console is a desktop tool
// and is covered above).
const PHONE_ROUTES = new Set(["sign in", "sign up", "home", "room", "manage", "settings", "invite", "404"]);
test.describe("phone", () => {
  for (const route of ROUTES.filter((r) => PHONE_ROUTES.has(r.name))) {
    test(`${route.name} has no WCAG A/AA violations, light or dark`, async ({ browser, baseURL, cspWatch }, testInfo) => {
      await scanBothThemes(browser, baseURL!, cspWatch, route, (theme) => testInfo.outputPath(`${theme}.png`), PHONE);
    });
  }
});
