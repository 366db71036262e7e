/**
 * End-to-end tests against the PRODUCTION build (run `npx next build` first; the tests never
 * build). The web server is Confab's own process (Next + WebSocket gateway) on a fresh, empty
 * embedded database, so every run starts from nothing.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3457);
const ORIGIN = `http://127.0.0.1:${PORT}`;
/** Must match e2e/admin.spec.ts. */
const SITE_ADMIN = "e2e_site_admin";

// Workers load this file too: reuse the directory the main process created (env is inherited).
process.env.CONFAB_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "confab-e2e-"));

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: ORIGIN,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      // Browsers cannot be downloaded here: use the OS's Chromium.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: {
    command: "node --enable-source-maps dist/server.mjs",
    url: `${ORIGIN}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATA_DIR: process.env.CONFAB_E2E_DATA_DIR,
      LOG_LEVEL: "warn",
      NEXTAUTH_SECRET: "e2e-only-secret-not-for-production-0123456789",
      // Every e2e user signs up from 127.0.0.1 and the seeders post hundreds of messages: the
      // production limits (10 auth/min per address, 30 messages/min per user) would throttle
      // the suite, not test the UI. Rate limiting has its own integration tests.
      RATE_AUTH_PER_MIN: "100000",
      RATE_MESSAGES_PER_MIN: "100000",
      RATE_INVITES_PER_MIN: "100000",
      RATE_ROOMS_PER_MIN: "100000",
      // The site admin of the e2e server, whatever order the specs register users in (admin.spec.ts).
      SITE_ADMINS: SITE_ADMIN,
      // Exports read history in small pages, so e2e/export.spec.ts sees its progress move.
      EXPORT_BATCH: "25",
      // e2e/link-previews.spec.ts serves its page from the test process on loopback.
      LINK_PREVIEW_ALLOW_HOSTS: "127.0.0.1",
    },
  },
});
