import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import WebSocket from "ws";
import { registerUser, sleep, TestSocket } from "../support/client";
import { startServer } from "../support/server";

const root = path.resolve(import.meta.dirname, "../..");

describe("process lifecycle", () => {
  test("SIGTERM closes sockets with 1001 and exits 0", async () => {
    const server = await startServer();
    const user = await registerUser(server.url);
    const s = await TestSocket.connect(server.wsUrl, user);
    const [code, closeCode] = await Promise.all([server.stop("SIGTERM"), s.closed]);
    assert.equal(closeCode, 1001);
    assert.equal(code, 0);
  });

  test("messages survive a restart on the same data directory (PGlite) and the secret is kept", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "confab-restart-"));
    const first = await startServer({ NEXTAUTH_SECRET: "" }, { keepDataDir: dataDir });
    const user = await registerUser(first.url);
    await first.stop();
    const second = await startServer({ NEXTAUTH_SECRET: "" }, { keepDataDir: dataDir });
    try {
      // The token was signed with the generated secret; it still works after the restart.
      const s = await TestSocket.connect(second.wsUrl, user);
      await s.close();
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("heartbeat drops sockets that stop answering pings; ALLOWED_ORIGINS admits listed origins", async () => {
    const server = await startServer({ HEARTBEAT_MS: "200", ALLOWED_ORIGINS: "https://app.example" });
    try {
      const user = await registerUser(server.url);
      const healthy = await TestSocket.connect(server.wsUrl, user);
      const silent = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${user.token}` }, autoPong: false });
      const silentClosed = new Promise<number>((resolve) => silent.once("close", (code) => resolve(code)));
      assert.equal(await silentClosed, 1006, "terminated without a close frame");
      assert.equal((await healthy.request({ type: "ping" })).type, "pong", "a socket that answers pings stays");

      const listed = await TestSocket.open(server.wsUrl, { token: user.token, origin: "https://app.example" });
      await listed.next("ready");
      await assert.rejects(TestSocket.open(server.wsUrl, { token: user.token, origin: "https://other.example" }), /403/);
      await Promise.all([healthy.close(), listed.close()]);
    } finally {
      await server.stop();
    }
  });

  test("a heartbeat round spread over many turns (2 sockets a turn) drops every silent socket and no live one", { timeout: 60_000 }, async () => {
    const server = await startServer({ HEARTBEAT_MS: "200", HEARTBEAT_SOCKETS_PER_TURN: "2" });
    try {
      const users = [await registerUser(server.url, "beat-a"), await registerUser(server.url, "beat-b")];
      const healthy: TestSocket[] = [];
      const silentClosed: Array<Promise<number>> = [];
      // Interleaved, so silent sockets sit in every slice of a round, the first and the last.
      for (let i = 0; i < 8; i++) {
        const user = users[i % 2]!;
        healthy.push(await TestSocket.connect(server.wsUrl, user));
        const silent = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${user.token}` }, autoPong: false });
        silentClosed.push(new Promise<number>((resolve) => silent.once("close", (code) => resolve(code))));
      }
      assert.deepEqual(await Promise.all(silentClosed), Array<number>(8).fill(1006), "every silent socket terminated");
      await sleep(1_000); // five more rounds
      for (const s of healthy) assert.equal((await s.request({ type: "ping" })).type, "pong", "a socket that answers pings stays");
      assert.ok(healthy.every((s) => s.closeCode === null));
      await Promise.all(healthy.map((s) => s.close()));
    } finally {
      await server.stop();
    }
  });

  test("an invalid setting stops start-up with one line naming the variable", () => {
    for (const [name, value] of [
      ["PORT", "eighty"],
      ["DATABASE_URL", "mysql://x"],
      ["ALLOWED_ORIGINS", "not an origin"],
    ] as const) {
      const result = spawnSync(process.execPath, ["dist/server.mjs"], {
        cwd: root,
        env: { ...process.env, [name]: value, DATA_DIR: "/tmp/confab-config-test" },
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.equal(result.status, 1, name);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, new RegExp(`^confab: Invalid ${name}`));
    }
  });
});
