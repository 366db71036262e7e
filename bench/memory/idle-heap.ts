/**
 * Live JavaScript heap per idle authenticated socket, without the noise of RSS: starts the
 * compiled server (`npm run build:server` first) with `--heapsnapshot-signal`, connects N
 * sockets that join nothing, takes a heap snapshot (V8 collects garbage first), connects N
 * more, takes another, and prints the difference ÷ N, total and by object kind. Asserts nothing.
 *
 *   node --import tsx bench/memory/idle-heap.ts [sockets=1000] [users=10]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { createUsers } from "../lib/setup";
import { CONFAB_BENCH_ENV } from "../systems";

const N = Number(process.argv[2] ?? 1000);
const USERS = Number(process.argv[3] ?? 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confab-idle-heap-"));
const child = spawn(process.execPath, ["--heapsnapshot-signal=SIGUSR2", path.resolve("dist/server.mjs")], {
  cwd: dir,
  env: { ...process.env, ...CONFAB_BENCH_ENV, PORT: "0", DATA_DIR: path.join(dir, "data") },
  stdio: ["ignore", "pipe", "inherit"],
});
const sockets: WebSocket[] = [];

try {
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split("\n")) if (line.includes('"msg":"listening"')) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  const users = await createUsers(`http://127.0.0.1:${port}`, USERS);

  const connect = async (count: number) => {
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        Array.from(
          { length: Math.min(100, count - i) },
          (_, k) =>
            new Promise<void>((resolve, reject) => {
              const user = users[(i + k) % users.length]!;
              const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(user.token)}`);
              ws.on("message", (data) => {
                if (String(data).includes('"type":"ready"')) resolve();
              });
              ws.on("error", reject);
              sockets.push(ws);
            }),
        ),
      );
    }
  };

  const snapshot = async (): Promise<string> => {
    await new Promise((r) => setTimeout(r, 3_000));
    const before = new Set(fs.readdirSync(dir));
    child.kill("SIGUSR2");
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      const file = fs.readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
      if (!file) continue;
      // The file appears empty while V8 collects garbage, then grows: done once it is not empty
      // and its size held for two seconds.
      let size = -1;
      while (size <= 0 || size !== fs.statSync(path.join(dir, file)).size) {
        size = fs.statSync(path.join(dir, file)).size;
        await new Promise((r) => setTimeout(r, 2_000));
      }
      return path.join(dir, file);
    }
  };

  await connect(N);
  const first = kinds(await snapshot());
  await connect(N);
  const second = kinds(await snapshot());
  const rows = [...second.bytes].map(([kind, bytes]) => ({ kind, bytes: (bytes - (first.bytes.get(kind) ?? 0)) / N, count: ((second.count.get(kind) ?? 0) - (first.count.get(kind) ?? 0)) / N }));
  console.log(JSON.stringify({ sockets: N, users: USERS, bytesPerSocket: Math.round((second.total - first.total) / N) }));
  for (const row of rows.sort((a, b) => b.bytes - a.bytes).slice(0, 30)) console.log(`${row.bytes.toFixed(0).padStart(7)} B ${row.count.toFixed(2).padStart(6)}  ${row.kind}`);
} finally {
  for (const ws of sockets) ws.terminate();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Self size and count per object kind (constructor name, or the node type for internals). */
function kinds(file: string): { total: number; bytes: Map<string, number>; count: Map<string, number> } {
  const snap = JSON.parse(fs.readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const bytes = new Map<string, number>();
  const count = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const name = snap.strings[snap.nodes[i + nameAt]!]!;
    const kind = type === "object" || type === "native" ? name : type === "closure" ? `closure ${name}` : `(${type})`;
    const size = snap.nodes[i + sizeAt]!;
    total += size;
    bytes.set(kind, (bytes.get(kind) ?? 0) + size);
    count.set(kind, (count.get(kind) ?? 0) + 1);
  }
  fs.rmSync(file);
  return { total, bytes, count };
}
