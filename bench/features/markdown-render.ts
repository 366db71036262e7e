/**
 * First render of a room of 50 markdown-heavy messages (issue 11) in Chromium, against the same
 * room with 50 plain messages of the same length: navigation start → 50 message rows on screen,
 * with the history loaded over the socket. A ratio in one run, not a threshold.
 *
 *   npm run build && node --import tsx bench/features/markdown-render.ts [runs=10]
 */
import { randomUUID } from "node:crypto";
import { chromium } from "@playwright/test";
import { createRoom, registerUser, TestSocket } from "../../tests/support/client";
import { startServer } from "../../tests/support/server";

const RUNS = Number(process.argv[2] ?? 10);
const MESSAGES = 50;

const MARKDOWN = [
  "**Release 4.2** is _out_: see [the notes](https://example.com/notes) and ~~the old plan~~.",
  "```ts\nexport function add(a: number, b: number): number {\n  return a + b; // typed\n}\n```",
  "| service | p50 | p99 |\n|---|---|---|\n| api | 12 ms | 40 ms |\n| ws | 3 ms | 9 ms |",
  "> quoted from the incident review\n> - rollback took `4 min`\n> - nobody paged",
  "1. build\n2. test\n   - unit\n   - e2e\n3. ship it :rocket: https://example.com/deploy",
];

const server = await startServer({});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
try {
  const user = await registerUser(server.url, "reader");
  const socket = await TestSocket.connect(server.wsUrl, user);
  const rooms: Record<"markdown" | "plain", string> = { markdown: await createRoom(server.url, user), plain: await createRoom(server.url, user) };
  for (const [kind, room] of Object.entries(rooms)) {
    await socket.join(room);
    for (let i = 0; i < MESSAGES; i++) {
      const source = MARKDOWN[i % MARKDOWN.length]!;
      const content = kind === "markdown" ? source : "plain words ".repeat(Math.ceil(source.length / 12)).slice(0, source.length);
      await socket.request({ type: "send", id: randomUUID(), room, content });
    }
  }
  await socket.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/signin`);
  await page.getByTestId("signin-username").fill(user.username);
  await page.getByTestId("signin-password").fill(user.password);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("current-user").waitFor();

  const times: Record<string, number[]> = { markdown: [], plain: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const [kind, room] of Object.entries(rooms)) {
      await page.goto(`${server.url}/rooms/${room}`);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length >= n, MESSAGES, { polling: "raf", timeout: 60_000 });
      times[kind]!.push(await page.evaluate(() => performance.now()));
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const md = median(times.markdown!);
  const plain = median(times.plain!);
  console.log(`first render of ${MESSAGES} messages, median of ${RUNS}: markdown ${md.toFixed(0)} ms, plain ${plain.toFixed(0)} ms, ratio ${(md / plain).toFixed(2)}`);
} finally {
  await browser.close();
  await server.stop();
}
