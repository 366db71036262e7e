/**
 * CPU and memory of processes from /proc (Linux), so the server's cost is measured from the
 * outside, the same way for every system under test.
 */
import { readFileSync, readdirSync } from "node:fs";

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux we target). */
const TICKS_PER_S = 100;

interface Stat {
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** `pid` and all its live descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(name));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop()!;
    out.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return out;
}

/** Resident set size of one process in bytes (0 if it is gone). */
export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Measures the CPU a set of processes used between `start()` and `stop()`, in percent of one
 * core (200 % = both cores of a 2-core machine busy). Processes that exist at both ends count.
 */
export class CpuMeter {
  private before = new Map<number, number>();
  private startedAt = 0;

  constructor(private readonly pids: () => number[]) {}

  start(): void {
    this.before = this.sample();
    this.startedAt = performance.now();
  }

  stop(): number {
    const after = this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    let ticks = 0;
    for (const [pid, t] of after) {
      const b = this.before.get(pid);
      if (b !== undefined) ticks += t - b;
    }
    return seconds > 0 ? (ticks / TICKS_PER_S / seconds) * 100 : 0;
  }

  private sample(): Map<number, number> {
    const out = new Map<number, number>();
    for (const pid of this.pids()) {
      const stat = readStat(pid);
      if (stat) out.set(pid, stat.cpuTicks);
    }
    return out;
  }
}
