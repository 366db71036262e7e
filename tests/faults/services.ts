/**
 * Throwaway PostgreSQL and Redis that a fault test can kill and restart on the same port and
 * data, which scripts/with-services.sh (start once, stop at the end) does not offer. Both listen
 * on 127.0.0.1 only, keep their state in one temp dir, and are stopped when the test process
 * exits. Postgres refuses to run as root, so as root the cluster belongs to the `postgres` OS
 * user (the same rule as with-services.sh).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sleep } from "../support/client";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function pgBinDir(): string {
  if (process.env.PG_BINDIR && existsSync(path.join(process.env.PG_BINDIR, "initdb"))) return process.env.PG_BINDIR;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, "bin", "postgres"))) return path.join(root, v, "bin");
  try {
    return path.dirname(execFileSync("sh", ["-c", "readlink -f \"$(command -v initdb)\""], { encoding: "utf8" }).trim());
  } catch {
    throw new Error("PostgreSQL binaries not found: apt-get install -y postgresql, or set PG_BINDIR");
  }
}

/** uid/gid to run Postgres as: the postgres OS user when we are root, else ourselves. */
function pgUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
      return { uid, gid };
    } catch {
      // try the next candidate
    }
  }
  throw new Error("running as root, but there is no postgres or nobody user to run PostgreSQL as");
}

/** Spawns a long-running service as our child; killed when the test process exits. */
function spawnService(cmd: string, args: string[], opts: { cwd: string; user?: { uid: number; gid: number } }): ChildProcess {
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: "ignore", ...(opts.user ?? {}) });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  child.once("exit", () => process.removeListener("exit", kill));
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export class Services {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  private postgres: ChildProcess | null = null;
  private redis: ChildProcess | null = null;
  private readonly bin = pgBinDir();
  private readonly user = pgUser();

  private constructor(
    private readonly work: string,
    readonly pgPort: number,
    readonly redisPort: number,
  ) {
    this.databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/confab`;
    this.redisUrl = `redis://127.0.0.1:${redisPort}`;
  }

  private get pgdata() {
    return path.join(this.work, "pgdata");
  }

  static async start(): Promise<Services> {
    const work = mkdtempSync(path.join(tmpdir(), "confab-faults-"));
    const services = new Services(work, await freePort(), await freePort());
    try {
      mkdirSync(path.join(work, "redis"));
      if (services.user) chownSync(work, services.user.uid, services.user.gid);
      execFileSync(path.join(services.bin, "initdb"), ["-D", services.pgdata, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], {
        cwd: work,
        stdio: "ignore",
        ...(services.user ?? {}),
      });
      await services.startPostgres();
      execFileSync(path.join(services.bin, "psql"), ["-h", "127.0.0.1", "-p", String(services.pgPort), "-U", "postgres", "-d", "postgres", "-Atqc", "create database confab"], {
        stdio: "ignore",
      });
      await services.startRedis();
      return services;
    } catch (err) {
      await services.stop();
      throw err;
    }
  }

  /**
   * Starts (or restarts, on the same port and data) the postmaster. fsync is off for speed, but
   * commits are still written before they return (synchronous_commit on), so a stop of the
   * server process (not the machine) keeps every committed transaction.
   */
  async startPostgres(): Promise<void> {
    this.postgres = spawnService(
      path.join(this.bin, "postgres"),
      ["-D", this.pgdata, "-p", String(this.pgPort), "-k", this.work, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
      { cwd: this.work, user: this.user },
    );
    await until("postgres", () => this.pgReady());
  }

  /** `pg_ctl stop -m immediate`: the postmaster and its backends quit at once, no checkpoint. */
  async stopPostgresImmediately(): Promise<void> {
    execFileSync(path.join(this.bin, "pg_ctl"), ["-D", this.pgdata, "stop", "-m", "immediate", "-w"], { cwd: this.work, stdio: "ignore", ...(this.user ?? {}) });
    if (this.postgres) await exited(this.postgres);
  }

  private pgReady(): boolean {
    try {
      execFileSync(path.join(this.bin, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", String(this.pgPort), "-U", "postgres", "-t", "1"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  }

  async startRedis(): Promise<void> {
    this.redis = spawnService(
      "redis-server",
      ["--port", String(this.redisPort), "--bind", "127.0.0.1", "--dir", path.join(this.work, "redis"), "--save", "", "--appendonly", "no", "--daemonize", "no"],
      { cwd: this.work },
    );
    await until("redis", () => this.redisReady());
  }

  /** kill -9 of redis-server: every connection drops, pub/sub messages in flight are gone. */
  async killRedis(): Promise<void> {
    if (!this.redis) return;
    this.redis.kill("SIGKILL");
    await exited(this.redis);
  }

  private redisReady(): boolean {
    try {
      return execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(this.redisPort), "ping"], { encoding: "utf8" }).trim() === "PONG";
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    if (this.redis) {
      this.redis.kill("SIGTERM");
      await exited(this.redis);
    }
    if (this.postgres) {
      this.postgres.kill("SIGINT"); // fast shutdown
      await Promise.race([exited(this.postgres), sleep(15_000)]);
      this.postgres.kill("SIGKILL");
    }
    rmSync(this.work, { recursive: true, force: true });
  }
}
