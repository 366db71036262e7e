/**
 * Starts and stops the systems under test, each on loopback free ports: the two baselines,
 * Confab embedded (PGlite), and Confab on a throwaway Postgres + Redis (one or two
 * instances; scripts/with-services.sh starts and removes the services). Everything started
 * here is killed when the bench exits, however it exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { processTree } from "./lib/proc";

export const root = path.resolve(import.meta.dirname, "..");

export const SYSTEM_NAMES = ["raw-ws", "socketio", "confab", "confab-pg", "confab-pg-2"] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];
export type Protocol = "json-ws" | "socketio";

export interface Instance {
  url: string;
  port: number;
  child: ChildProcess;
}

export interface System {
  name: SystemName;
  protocol: Protocol;
  /** Whether it stores with argon2-hashed users and a real database (Confab) or in memory (baselines). */
  confab: boolean;
  instances: Instance[];
  /** Pids of the server processes (Confab or baseline), for CPU% and RSS. */
  serverPids(): number[];
  /** Pids of Postgres + Redis, when the system uses them. */
  servicePids(): number[];
  /** SIGTERM instance `index`, wait for it to exit, start it again on the same port and data. */
  restart(index: number): Promise<{ stoppedAt: number; listeningAt: number }>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Kills whatever is still running; safe to call more than once and from an 'exit' handler. */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Confab as production runs it: the compiled server (`npm run build`). */
const CONFAB_SERVER = "dist/server.mjs";

/** The env that lifts Confab's per-user limits for a load test (the bench is one client address). */
export const CONFAB_BENCH_ENV: Record<string, string> = {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  LOG_LEVEL: "info",
  NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret",
  RATE_MESSAGES_PER_MIN: "100000000",
  RATE_AUTH_PER_MIN: "100000000",
  RATE_INVITES_PER_MIN: "100000000",
  MAX_SOCKETS_PER_USER: "100000",
  RATE_ROOMS_PER_MIN: "100000000",
  MAX_ROOMS_PER_USER: "100000",
  // Per-socket frame budgets (server/limits.ts) and handshake caps: the bench is one address.
  FRAME_RATE_SCALE: "10000",
  MAX_PENDING_HANDSHAKES: "100000",
  MAX_PENDING_PER_ADDRESS: "100000",
};

interface Spawned {
  child: ChildProcess;
  port: number;
  logs: string[];
  exited: Promise<void>;
}

/**
 * Spawns `node <script>` (through tsx for TypeScript) and waits for its `"msg":"listening"` line.
 * `BENCH_SERVER_NODE_ARGS` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to every
 * server under test, to profile them under the bench's load.
 */
function spawnNode(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<Spawned> {
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...extra, ...loader, script], {
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => live.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in ${timeoutMs / 1000} s:\n${logs.slice(-20).join("\n")}`)), timeoutMs);
    let buffered = "";
    let listening = false;
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        if (logs.length > 200) logs.shift();
        if (!listening && line.includes('"msg":"listening"')) {
          listening = true;
          clearTimeout(timer);
          resolve({ child, port: (JSON.parse(line) as { port: number }).port, logs, exited });
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      if (!listening) reject(new Error(`${script} exited with ${child.exitCode ?? child.signalCode} before listening:\n${logs.slice(-20).join("\n")}`));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>, timeoutMs = 20_000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}

interface Services {
  env: { DATABASE_URL: string; REDIS_URL: string };
  pids(): number[];
  stop(): Promise<void>;
}

/** A throwaway Postgres + Redis from scripts/with-services.sh, held open by hold-services.mjs. */
async function startServices(): Promise<Services> {
  const child = spawn("bash", ["scripts/with-services.sh", process.execPath, "bench/lib/hold-services.mjs"], {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => live.delete(child));
  const logs: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  const env = await new Promise<Services["env"]>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`Postgres + Redis not ready in 120 s:\n${logs.join("")}`));
    }, 120_000);
    void exited.then(() => clearTimeout(timer));
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /\{"services".*\}/.exec(buffered);
      if (!match) return;
      clearTimeout(timer);
      resolve((JSON.parse(match[0]) as { services: Services["env"] }).services);
    });
    void exited.then(() => reject(new Error(`with-services.sh exited before the services were ready:\n${logs.join("")}`)));
  });
  return {
    env,
    pids: () => processTree(child.pid!).slice(1),
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGTERM"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startBaseline(name: "raw-ws" | "socketio"): Promise<System> {
  const spawned = await spawnNode(`bench/baselines/${name}.ts`, {});
  return {
    name,
    protocol: name === "raw-ws" ? "json-ws" : "socketio",
    confab: false,
    instances: [{ url: `http://127.0.0.1:${spawned.port}`, port: spawned.port, child: spawned.child }],
    serverPids: () => [spawned.child.pid!],
    servicePids: () => [],
    restart: () => Promise.reject(new Error(`${name} keeps its store in memory: a restart loses it`)),
    stop: () => stopChild(spawned.child, spawned.exited),
  };
}

async function startConfab(name: "confab" | "confab-pg" | "confab-pg-2"): Promise<System> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("Confab needs a production build: run `npx next build` once");
  const services = name === "confab" ? undefined : await startServices();
  const count = name === "confab-pg-2" ? 2 : 1;
  const dataDirs: string[] = [];
  const spawned: Spawned[] = [];
  try {
    // One after the other: the first one runs the migrations.
    for (let i = 0; i < count; i++) {
      const dataDir = mkdtempSync(path.join(tmpdir(), "confab-bench-"));
      tempDirs.add(dataDir);
      dataDirs.push(dataDir);
      spawned.push(await spawnNode(CONFAB_SERVER, { ...CONFAB_BENCH_ENV, DATA_DIR: dataDir, ...(services?.env ?? {}) }));
    }
  } catch (err) {
    for (const s of spawned) await stopChild(s.child, s.exited);
    await services?.stop();
    throw err;
  }
  const instances = (): Instance[] => spawned.map((s) => ({ url: `http://127.0.0.1:${s.port}`, port: s.port, child: s.child }));
  const system: System = {
    name,
    protocol: "json-ws",
    confab: true,
    instances: instances(),
    serverPids: () => spawned.map((s) => s.child.pid!),
    servicePids: () => services?.pids() ?? [],
    async restart(index) {
      const old = spawned[index]!;
      await stopChild(old.child, old.exited);
      const stoppedAt = performance.now();
      const env = { ...CONFAB_BENCH_ENV, DATA_DIR: dataDirs[index]!, PORT: String(old.port), ...(services?.env ?? {}) };
      // The old socket may linger for a moment after exit; retry the bind briefly.
      for (let attempt = 0; ; attempt++) {
        try {
          spawned[index] = await spawnNode(CONFAB_SERVER, env);
          break;
        } catch (err) {
          if (attempt >= 5 || !String(err).includes("EADDRINUSE")) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      system.instances = instances();
      return { stoppedAt, listeningAt: performance.now() };
    },
    async stop() {
      for (const s of spawned) await stopChild(s.child, s.exited);
      await services?.stop();
      for (const dir of dataDirs) {
        rmSync(dir, { recursive: true, force: true });
        tempDirs.delete(dir);
      }
    },
  };
  return system;
}

export function startSystem(name: SystemName): Promise<System> {
  return name === "raw-ws" || name === "socketio" ? startBaseline(name) : startConfab(name);
}
