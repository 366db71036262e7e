/** What every scenario shares: options, CPU meters around a window, percentiles. */
import os from "node:os";
import { CpuMeter } from "../lib/proc";
import { Histogram, type HistogramData } from "../lib/histogram";
import type { System } from "../systems";

export interface Options {
  workers: number;
  /** fan-out */
  rooms: number;
  members: number;
  rates: number[];
  /** Users behind the fan-out's sockets: 0 = one per socket; a multiple of `members` = member m of every room is user m (+ k·members). */
  fanoutUsers: number;
  durationS: number;
  drainS: number;
  /** Stop raising the rate once a step saturates. */
  stopAtSaturation: boolean;
  /** hot room */
  senders: number;
  window: number;
  /** idle */
  sockets: number;
  /** reconnect */
  clients: number;
  /** Users behind the sockets of idle/reconnect (each user then holds sockets/users sockets). */
  users: number;
  concurrency: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export interface CpuFigures {
  /** % of one core, summed over the system's server processes. */
  serverCpu: number;
  /** % of one core used by Postgres + Redis (0 for systems without them). */
  servicesCpu: number;
  /** % of one core used by the bench process (all its worker threads). */
  harnessCpu: number;
  /** 1-minute load average at the end of the window: other work on the machine shows here. */
  loadAvg: number;
}

/** Meters the server, its services and the harness over the same window. */
export function cpuMeters(system: System) {
  const meters = {
    server: new CpuMeter(() => system.serverPids()),
    services: new CpuMeter(() => system.servicePids()),
    harness: new CpuMeter(() => [process.pid]),
  };
  return {
    start() {
      for (const m of Object.values(meters)) m.start();
    },
    stop(): CpuFigures {
      return { serverCpu: meters.server.stop(), servicesCpu: meters.services.stop(), harnessCpu: meters.harness.stop(), loadAvg: Math.round(os.loadavg()[0]! * 10) / 10 };
    },
  };
}

export function pct(data: HistogramData, q: number): number | null {
  const value = Histogram.from(data).quantile(q);
  return value === null ? null : Math.round(value * 10) / 10;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
