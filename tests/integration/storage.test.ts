/**
 * The embedded database's process rules: PGlite has no lock of its own, so a second server on
 * the same data dir must refuse to start rather than corrupt it; a server killed with -9
 * leaves no process behind holding the dir, and everything it acked is there after a restart.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { Message, ServerFrame } from "@/protocol";
import { api, createRoom, registerUser, TestSocket } from "../support/client";
import { startServer } from "../support/server";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "confab-storage-"));
const secret = { NEXTAUTH_SECRET: "storage-test-secret-0123456789" };

after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs a second server on `dir` and resolves with its exit code and output. */
function runToExit(dir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["dist/server.mjs"], {
    cwd: root,
    env: { ...process.env, ...secret, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DATA_DIR: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe("embedded database", () => {
  test("one server per data dir; after kill -9 a restart takes the dir over with every acked message", async () => {
    const first = await startServer(secret, { keepDataDir: dataDir });
    const lockFile = path.join(dataDir, "pglite.lock");
    assert.equal(readFileSync(lockFile, "utf8").trim(), String(first.process.pid));

    const alice = await registerUser(first.url, "alice");
    const room = await createRoom(first.url, alice);
    const socket = await TestSocket.connect(first.wsUrl, alice);
    await socket.join(room);
    const ids = Array.from({ length: 30 }, () => randomUUID());
    const acks = await Promise.all(ids.map((id, i) => socket.request({ type: "send", id, room, content: `m${i}` }, 15_000)));
    assert.deepEqual(
      acks.map((a) => a.type),
      ids.map(() => "ack"),
    );

    const second = await runToExit(dataDir);
    assert.notEqual(second.code, 0);
    assert.match(second.output, /in use by process \d+/);

    assert.equal(await first.stop("SIGKILL"), null);
    await socket.closed;
    // The database ran in a thread of the killed process: nothing is left running on the dir.
    assert.ok(existsSync(lockFile), "a killed server cannot remove its lock");

    const restarted = await startServer(secret, { keepDataDir: dataDir });
    try {
      assert.equal(readFileSync(lockFile, "utf8").trim(), String(restarted.process.pid));
      const history = await api<{ messages: Message[] }>(restarted.url, "GET", `/api/rooms/${room}/messages?limit=100`, { token: alice.token });
      assert.equal(history.status, 200);
      const stored = new Set(history.body.messages.map((m) => m.client_id));
      for (const ack of acks) {
        assert.ok(stored.has((ack as Extract<ServerFrame, { type: "ack" }>).message.client_id));
      }
    } finally {
      assert.equal(await restarted.stop("SIGTERM"), 0);
    }
    assert.equal(existsSync(lockFile), false, "a clean shutdown releases the data dir");
  });
});
