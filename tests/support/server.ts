/**
 * Starts the real Confab server (dist/server.mjs, the compiled production build) as a child
 * process on a random port, the way `npm start` runs it. Needs `npm run build` to have run once.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  logs: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const START_TIMEOUT_MS = 120_000;

/**
 * `opts.root` runs another checkout's build (benches compare a branch against main's build).
 */
export async function startServer(
  env: Record<string, string> = {},
  opts: { keepDataDir?: string; root?: string; startTimeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<TestServer> {
  const cwd = opts.root ?? root;
  const startTimeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;
  if (!existsSync(path.join(cwd, ".next", "BUILD_ID")) || !existsSync(path.join(cwd, "dist", "server.mjs"))) {
    throw new Error("no production build: run `npm run build` before the integration tests");
  }
  const dataDir = opts.keepDataDir ?? mkdtempSync(path.join(tmpdir(), "confab-test-"));
  const child = spawn(process.execPath, ["--enable-source-maps", ...(opts.nodeArgs ?? []), "dist/server.mjs"], {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      NEXTAUTH_SECRET: "test-secret-test-secret-test-secret",
      // Tests register many users and send bursts from one address; suites that test the
      // limits themselves pass their own values.
      RATE_MESSAGES_PER_MIN: "100000",
      RATE_AUTH_PER_MIN: "100000",
      RATE_INVITES_PER_MIN: "100000",
      RATE_ROOMS_PER_MIN: "100000",
      RATE_SEARCHES_PER_MIN: "100000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // A test runner that dies (timeout, Ctrl-C) must not leave servers behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => process.removeListener("exit", killOnExit));

  // Generous: the suites run in two parallel lanes on a 2-core machine, and a first start
  // initialises an embedded database; a real hang still fails, only later.
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never came up must not outlive the test (its pipes keep the runner alive).
      child.kill("SIGKILL");
      reject(new Error(`server did not start in ${startTimeoutMs / 1000} s:\n${logs.join("\n")}`));
    }, startTimeoutMs);
    const onLine = (line: string) => {
      logs.push(line);
      if (logs.length > 2000) logs.shift();
      if (line.includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    };
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      lines.forEach(onLine);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${logs.join("\n")}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    dataDir,
    process: child,
    logs,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** DATABASE_URL and REDIS_URL of the throwaway services scripts/with-services.sh started. */
export function servicesEnv(): { DATABASE_URL: string; REDIS_URL: string } {
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (!DATABASE_URL || !REDIS_URL) {
    throw new Error(
      "tests/distributed need DATABASE_URL and REDIS_URL; run them with `npm run test:distributed` " +
        "(scripts/with-services.sh starts a throwaway Postgres and Redis)",
    );
  }
  return { DATABASE_URL, REDIS_URL };
}

let postgresStopped = false;

/**
 * Stops or starts the with-services Postgres (SERVICES_PG_CONTROL, from scripts/with-services.sh),
 * for outage tests. `restorePostgres` in an `after` hook starts it again if a test stopped it.
 */
export function controlPostgres(action: "stop" | "start"): void {
  const script = process.env.SERVICES_PG_CONTROL;
  if (!script) throw new Error("SERVICES_PG_CONTROL is not set: run under scripts/with-services.sh");
  execFileSync(script, [action], { stdio: "inherit", timeout: 60_000 });
  postgresStopped = action === "stop";
}

export function restorePostgres(): void {
  if (postgresStopped) controlPostgres("start");
}
