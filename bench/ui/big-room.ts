/**
 * A big room in the browser (issue 13 item 4): a room of 10,000 messages in Chromium, scrolled
 * back through page by page the way a reader does (scroll to the top, the previous 50 arrive).
 * Reports the page's element count after the scroll-back, the longest main-thread stall while
 * scrolling back (Long Tasks API), and sent-to-confirmed (Enter in the composer → the row shows
 * as sent) in the big room against an empty room. A comparison within one run, not a threshold.
 *
 *   npm run build && node --import tsx bench/ui/big-room.ts [--messages 10000] [--sends 10] [--budget-s 900] [--root <checkout>]
 *
 * `--root` runs another checkout's production build (e.g. main's, built in a copy) to measure
 * before and after with the same harness.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { createRoom, registerUser, TestSocket } from "../../tests/support/client";
import { startServer } from "../../tests/support/server";

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    sends: { type: "string", default: "10" },
    "budget-s": { type: "string", default: "900" },
    root: { type: "string" },
  },
});
const MESSAGES = Number(args.messages);
const SENDS = Number(args.sends);
const BUDGET_MS = Number(args["budget-s"]) * 1000;
const IN_FLIGHT = 16;

const MARKDOWN = [
  "**Release 4.2** is _out_: see [the notes](https://example.com/notes) and ~~the old plan~~.",
  "```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```",
  "> quoted from the incident review\n> - rollback took `4 min`\n> - nobody paged",
];
/** Mostly plain chat, every tenth message markdown. */
const contentOf = (n: number) => (n % 10 === 0 ? MARKDOWN[(n / 10) % MARKDOWN.length]! : `message ${n}: ${"words in a chat line ".repeat(1 + (n % 4))}`);

async function seed(wsUrl: string, user: Awaited<ReturnType<typeof registerUser>>, room: string, count: number) {
  const socket = await TestSocket.connect(wsUrl, user);
  await socket.join(room);
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const n = next++;
      const id = randomUUID();
      for (;;) {
        // A burst can still meet the frame limiter (RATE_LIMITED): wait as told, resend the same id.
        const answer = await socket.request({ type: "send", id, room, content: contentOf(n) }, 60_000);
        if (answer.type !== "error") break;
        if (answer.code !== "RATE_LIMITED") throw new Error(`seeding: ${answer.code} ${answer.message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.max(answer.retry_after_ms ?? 0, 5)));
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await socket.close();
}

/** Smallest data-seq among mounted message rows (works whether or not the list is virtualized). */
const minMountedSeq = (page: Page) =>
  page.evaluate(() => Math.min(...[...document.querySelectorAll<HTMLElement>('[data-testid="message"]')].map((el) => Number(el.dataset.seq))));

/** Scrolls to the top until the room's first message is held, or the budget runs out; returns the seq reached. */
async function scrollBack(page: Page): Promise<{ reached: number; ms: number }> {
  const started = Date.now();
  let reached = await minMountedSeq(page);
  while (reached > 1 && Date.now() - started < BUDGET_MS) {
    await page.getByTestId("message-scroller").evaluate((el) => (el.scrollTop = 0));
    await page.waitForFunction(
      (before) => Math.min(...[...document.querySelectorAll<HTMLElement>('[data-testid="message"]')].map((el) => Number(el.dataset.seq))) < before,
      reached,
      { polling: "raf", timeout: 120_000 },
    );
    reached = await minMountedSeq(page);
  }
  return { reached, ms: Date.now() - started };
}

/** Enter in the composer → the last row shows the text as sent, timed in the page. */
async function sendToConfirmed(page: Page, text: string): Promise<number> {
  await page.getByTestId("composer-input").fill(text);
  const done = page.evaluate(
    (want) =>
      new Promise<number>((resolve) => {
        let start = 0;
        const input = document.querySelector<HTMLElement>('[data-testid="composer-input"]')!;
        input.addEventListener("keydown", (e) => e.key === "Enter" && (start = performance.now()), { capture: true, once: true });
        const poll = () => {
          const rows = document.querySelectorAll<HTMLElement>('[data-testid="message"][data-state="sent"]');
          const last = rows[rows.length - 1];
          if (start && last?.querySelector('[data-testid="message-content"]')?.textContent === want) resolve(performance.now() - start);
          else requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      }),
    text,
  );
  await page.getByTestId("composer-input").press("Enter");
  return done;
}

const quantile = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * q))]!;

// A loaded shared machine can take minutes to start the server.
const server = await startServer({ FRAME_RATE_SCALE: "1000" }, { root: args.root, startTimeoutMs: 300_000 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const user = await registerUser(server.url, "bigroom");
  const big = await createRoom(server.url, user);
  const empty = await createRoom(server.url, user);
  const seedStart = Date.now();
  await seed(server.wsUrl, user, big, MESSAGES);
  console.error(`seeded ${MESSAGES} messages in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx (esbuild, keepNames) wraps named functions in the page scripts below in `__name(…)`.
  await context.addInitScript("window.__name = (fn) => fn;");
  await context.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: "longtask", buffered: true });
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/signin`);
  await page.getByTestId("signin-username").fill(user.username);
  await page.getByTestId("signin-password").fill(user.password);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("current-user").waitFor();

  const confirmed: Record<"empty" | "big", number[]> = { empty: [], big: [] };
  await page.goto(`${server.url}/rooms/${empty}`);
  await page.getByTestId("composer-input").waitFor();
  for (let i = 0; i < SENDS; i++) confirmed.empty.push(await sendToConfirmed(page, `empty room send ${i}`));

  await page.goto(`${server.url}/rooms/${big}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length > 0, undefined, { timeout: 60_000 });
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
  const back = await scrollBack(page);
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const elements = await page.evaluate(() => document.getElementsByTagName("*").length);
  const rows = await page.evaluate(() => document.querySelectorAll('[data-testid="message"]').length);
  for (let i = 0; i < SENDS; i++) confirmed.big.push(await sendToConfirmed(page, `big room send ${i}`));

  const result = {
    messages: MESSAGES,
    scrolledBackTo: back.reached,
    scrollBackS: Math.round(back.ms / 1000),
    elements,
    mountedRows: rows,
    longestStallMs: Math.round(Math.max(0, ...longTasks)),
    longTasks: longTasks.length,
    confirmedEmpty: { p50: Math.round(quantile(confirmed.empty, 0.5)), p90: Math.round(quantile(confirmed.empty, 0.9)) },
    confirmedBig: { p50: Math.round(quantile(confirmed.big, 0.5)), p90: Math.round(quantile(confirmed.big, 0.9)) },
  };
  const held = MESSAGES - back.reached + 1;
  console.log(JSON.stringify(result));
  console.log(
    `| ${args.root ?? "this checkout"} | ${held.toLocaleString("en")} of ${MESSAGES.toLocaleString("en")} in ${result.scrollBackS} s | ${elements.toLocaleString("en")} (${rows} rows) | ${result.longestStallMs} ms (${longTasks.length} long tasks) | ${result.confirmedEmpty.p50} / ${result.confirmedEmpty.p90} ms | ${result.confirmedBig.p50} / ${result.confirmedBig.p90} ms | ${(result.confirmedBig.p50 / result.confirmedEmpty.p50).toFixed(2)}× |`,
  );
} finally {
  await browser.close();
  await server.stop();
}
