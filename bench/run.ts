/**
 * The bench's entry point:
 *
 *   npm run bench -- <fanout|hot-room|idle|reconnect|two-instances|smoke|all> [--option value …]
 *
 * Starts each system under test itself on loopback, runs the same scenario against each in
 * turn, prints the tables and writes bench/results/<timestamp>.{json,md} (+ SVG charts).
 * See bench/README.md for the options and how to read the numbers.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Options } from "./scenarios/common";
import { runFanout, runHotRoom } from "./scenarios/fanout";
import { runIdle } from "./scenarios/idle";
import { runReconnect } from "./scenarios/reconnect";
import { writeReport, type RunResults } from "./report";
import { SYSTEM_NAMES, killAll, startSystem, type System, type SystemName } from "./systems";

const SCENARIOS = ["fanout", "hot-room", "idle", "reconnect", "two-instances", "smoke", "all"] as const;
type Scenario = (typeof SCENARIOS)[number];

const DEFAULT_SYSTEMS: Record<Exclude<Scenario, "all" | "smoke">, SystemName[]> = {
  fanout: ["raw-ws", "socketio", "confab", "confab-pg"],
  "hot-room": ["raw-ws", "socketio", "confab", "confab-pg"],
  idle: ["raw-ws", "socketio", "confab", "confab-pg"],
  reconnect: ["confab", "confab-pg"],
  "two-instances": ["confab-pg", "confab-pg-2"],
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    systems: { type: "string" },
    workers: { type: "string", default: "2" },
    rooms: { type: "string", default: "20" },
    members: { type: "string", default: "50" },
    rates: { type: "string", default: "2,10,25,50,100" },
    "fanout-users": { type: "string", default: "0" },
    duration: { type: "string", default: "10" },
    drain: { type: "string", default: "5" },
    "no-stop": { type: "boolean", default: false },
    senders: { type: "string", default: "50" },
    window: { type: "string", default: "8" },
    sockets: { type: "string", default: "10000" },
    clients: { type: "string", default: "2000" },
    users: { type: "string", default: "100" },
    concurrency: { type: "string", default: "200" },
    out: { type: "string", default: path.join(import.meta.dirname, "results") },
    help: { type: "boolean", short: "h", default: false },
  },
});

const scenario = positionals[0] as Scenario | undefined;
if (values.help || !scenario || !SCENARIOS.includes(scenario)) {
  console.log(`usage: npm run bench -- <${SCENARIOS.join("|")}> [--systems ${SYSTEM_NAMES.join(",")}] [--rates 2,10,25] [--duration 10] …\nsee bench/README.md`);
  process.exit(values.help ? 0 : 2);
}

const int = (name: keyof typeof values, min = 1): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}`);
    process.exit(2);
  }
  return n;
};

const opts: Options = {
  workers: int("workers"),
  rooms: int("rooms"),
  members: int("members", 2),
  rates: String(values.rates)
    .split(",")
    .map(Number)
    .filter((n) => n > 0),
  fanoutUsers: int("fanout-users", 0),
  durationS: int("duration"),
  drainS: int("drain", 0),
  stopAtSaturation: !values["no-stop"],
  senders: int("senders", 2),
  window: int("window"),
  sockets: int("sockets"),
  clients: int("clients"),
  users: int("users"),
  concurrency: int("concurrency"),
};

const chosenSystems = (fallback: SystemName[]): SystemName[] => {
  if (!values.systems) return fallback;
  const names = String(values.systems).split(",") as SystemName[];
  const bad = names.filter((n) => !SYSTEM_NAMES.includes(n));
  if (bad.length) {
    console.error(`unknown system(s) ${bad.join(", ")}; known: ${SYSTEM_NAMES.join(", ")}`);
    process.exit(2);
  }
  return names;
};

const results: RunResults = {
  startedAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, load: os.loadavg() },
  options: { scenario, ...opts },
  fanout: [],
  twoInstances: [],
  hotRoom: [],
  idle: [],
  reconnect: [],
  failures: [],
};

process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}; stopping everything it started`);
    killAll();
    process.exit(130);
  });
}

/** Starts `name`, runs `body` against it, always stops it; a failure is recorded, not fatal. */
async function against<T>(label: string, name: SystemName, body: (system: System) => Promise<T>): Promise<T | undefined> {
  const t0 = Date.now();
  console.log(`\n[${label}] ${name}: starting`);
  let system: System | undefined;
  try {
    system = await startSystem(name);
    console.log(`[${label}] ${name}: listening on ${system.instances.map((i) => i.port).join(", ")} after ${Math.round((Date.now() - t0) / 100) / 10} s`);
    return await body(system);
  } catch (err) {
    console.error(`[${label}] ${name} failed: ${(err as Error).stack ?? String(err)}`);
    results.failures.push({ scenario: label, system: name, error: String((err as Error).message ?? err) });
    return undefined;
  } finally {
    await system?.stop();
    console.log(`[${label}] ${name}: done in ${Math.round((Date.now() - t0) / 100) / 10} s`);
  }
}

async function run(which: Exclude<Scenario, "all" | "smoke">, o: Options, systems = chosenSystems(DEFAULT_SYSTEMS[which])) {
  for (const name of systems) {
    if (which === "fanout" || which === "two-instances") {
      const rows = await against(which, name, (s) => runFanout(s, o));
      if (rows) (which === "fanout" ? results.fanout : results.twoInstances).push(...rows);
    } else if (which === "hot-room") {
      const rows = await against(which, name, (s) => runHotRoom(s, o));
      if (rows) results.hotRoom.push(...rows);
    } else if (which === "idle") {
      const row = await against(which, name, (s) => runIdle(s, o));
      if (row) results.idle.push(row);
    } else {
      const row = await against(which, name, (s) => runReconnect(s, o));
      if (row) results.reconnect.push(row);
    }
  }
}

/** Tiny fan-out on every system; fails only when a system acks or delivers nothing at all. */
async function smoke(): Promise<boolean> {
  const tiny: Options = { ...opts, rooms: 2, members: 5, fanoutUsers: 5, rates: [5], durationS: 2, drainS: 2, concurrency: 20 };
  const systems = chosenSystems([...SYSTEM_NAMES]);
  for (const name of systems) {
    await against("smoke", name, async (s) => {
      results.fanout.push(...(await runFanout(s, tiny)));
    });
  }
  const dead = systems.filter((name) => !results.fanout.some((r) => r.system === name && r.acked > 0 && r.deliveredPerS > 0));
  if (dead.length) console.error(`\nsmoke: no acks or no deliveries from ${dead.join(", ")}`);
  return dead.length === 0;
}

async function main(): Promise<number> {
  let ok = true;
  if (scenario === "smoke") ok = await smoke();
  else if (scenario === "all") {
    for (const which of ["fanout", "two-instances", "hot-room", "idle", "reconnect"] as const) await run(which, opts, DEFAULT_SYSTEMS[which]);
  } else await run(scenario!, opts);
  const file = writeReport(results, String(values.out));
  console.log(`\nreport: ${path.relative(process.cwd(), file)}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
