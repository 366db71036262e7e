/**
 * Results out: a console table per scenario, the raw JSON, and a Markdown report with SVG
 * line charts (delivered/s and delivery p50/p99 against offered rate, one line per system).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LoadRow } from "./scenarios/fanout";
import type { IdleRow } from "./scenarios/idle";
import type { ReconnectRow } from "./scenarios/reconnect";

export interface RunResults {
  startedAt: string;
  machine: { cpus: number; node: string; load: number[] };
  options: object;
  fanout: LoadRow[];
  twoInstances: LoadRow[];
  hotRoom: LoadRow[];
  idle: IdleRow[];
  reconnect: ReconnectRow[];
  failures: { scenario: string; system: string; error: string }[];
}

type Cell = string | number | null | undefined;
const fmt = (v: Cell) => (v === null || v === undefined ? "—" : typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 1 }) : v);

function table(headers: string[], rows: Cell[][]): { text: string; md: string } {
  const cells = rows.map((r) => r.map(fmt));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  const text = [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
  const md = [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`, ...cells.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  return { text, md };
}

const errorsOf = (e: Record<string, number>) => (Object.keys(e).length ? Object.entries(e).map(([k, v]) => `${k}×${v}`).join(" ") : "");

function loadTable(rows: LoadRow[]) {
  return table(
    ["system", "load", "offered/s", "acked/s", "delivered/s", "delivered", "ack p50/p99 ms", "delivery p50/p99 ms", "server CPU %", "pg+redis CPU %", "harness CPU %", "load avg", "errors"],
    rows.map((r) => [
      r.system,
      r.label,
      r.offered,
      r.ackedPerS,
      r.deliveredPerS,
      `${Math.round(r.delivered * 1000) / 10} %`,
      `${fmt(r.ackP50)} / ${fmt(r.ackP99)}`,
      `${fmt(r.deliveryP50)} / ${fmt(r.deliveryP99)}`,
      Math.round(r.serverCpu),
      r.servicesCpu ? Math.round(r.servicesCpu) : null,
      Math.round(r.harnessCpu),
      r.loadAvg,
      errorsOf(r.errors) + (r.saturated ? " (saturated)" : ""),
    ]),
  );
}

function idleTable(rows: IdleRow[]) {
  return table(
    ["system", "sockets", "users", "connected", "connects/s", "ready p50/p99 ms", "server CPU s /1k connects", "RSS before→after MB", "RSS/socket KB", "harness CPU %", "load avg"],
    rows.map((r) => [r.system, r.sockets, r.users, r.connected, r.connectsPerS, `${fmt(r.readyP50)} / ${fmt(r.readyP99)}`, r.cpuSPer1000, `${r.rssBeforeMB} → ${r.rssAfterMB}`, r.rssPerSocketKB, Math.round(r.harnessCpu), r.loadAvg]),
  );
}

function reconnectTable(rows: ReconnectRow[]) {
  return table(
    ["system", "clients", "rooms", "users", "restart s", "resumed %", "caught-up p50/p99 ms", "gaps", "duplicates", "gap frames", "connect attempts"],
    rows.map((r) => [r.system, r.clients, r.rooms, r.users, r.restartS, r.resumedPct, `${fmt(r.caughtUpP50)} / ${fmt(r.caughtUpP99)}`, r.gaps, r.duplicates, r.gapFrames, r.connectAttempts]),
  );
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/** A small SVG line chart; log scales on both axes because rates and latencies span decades. */
function lineChart(title: string, yLabel: string, series: { name: string; points: [number, number][]; dashed?: boolean }[]): string {
  const W = 640;
  const H = 360;
  const m = { l: 70, r: 150, t: 30, b: 45 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (all.length === 0) return "";
  const lx = (v: number) => Math.log10(v);
  const [x0, x1] = [Math.floor(lx(Math.min(...all.map((p) => p[0])))), Math.ceil(lx(Math.max(...all.map((p) => p[0]))) - 1e-9)];
  const [y0, y1] = [Math.floor(lx(Math.min(...all.map((p) => p[1])))), Math.ceil(lx(Math.max(...all.map((p) => p[1]))) - 1e-9)];
  const sx = (v: number) => m.l + ((lx(v) - x0) / Math.max(1, x1 - x0)) * (W - m.l - m.r);
  const sy = (v: number) => H - m.b - ((lx(v) - y0) / Math.max(1, y1 - y0)) * (H - m.t - m.b);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  out.push(`<text x="${m.l}" y="18" font-size="13">${title}</text>`);
  for (let e = y0; e <= y1; e++) {
    const y = sy(10 ** e);
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${(10 ** e).toLocaleString("en-US")}</text>`);
  }
  for (let e = x0; e <= x1; e++) {
    const x = sx(10 ** e);
    out.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#ddd"/><text x="${x}" y="${H - m.b + 15}" text-anchor="middle">${(10 ** e).toLocaleString("en-US")}</text>`);
  }
  out.push(`<text x="${(W - m.r + m.l) / 2}" y="${H - 8}" text-anchor="middle">offered msg/s (all rooms)</text>`);
  out.push(`<text transform="translate(14 ${H / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
    const color = COLORS[Math.floor(i / (series.some((x) => x.dashed) ? 2 : 1)) % COLORS.length]!;
    if (pts.length) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""} points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ")}"/>`);
      for (const [x, y] of pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = m.t + 14 * i;
    out.push(`<line x1="${W - m.r + 10}" x2="${W - m.r + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/><text x="${W - m.r + 34}" y="${ly + 4}">${s.name}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}

function charts(rows: LoadRow[], prefix: string, dir: string, stamp: string): string[] {
  const systems = [...new Set(rows.map((r) => r.system))];
  const by = (s: string) => rows.filter((r) => r.system === s && r.offered !== null);
  const files: [string, string][] = [
    [`${prefix}-delivered`, lineChart("delivered/s", "deliveries per second", systems.map((s) => ({ name: s, points: by(s).map((r) => [r.offered!, r.deliveredPerS] as [number, number]) })))],
    [
      `${prefix}-latency`,
      lineChart(
        "delivery latency p50 (solid) / p99 (dashed)",
        "ms",
        systems.flatMap((s) => [
          { name: `${s} p50`, points: by(s).map((r) => [r.offered!, r.deliveryP50 ?? 0] as [number, number]) },
          { name: `${s} p99`, points: by(s).map((r) => [r.offered!, r.deliveryP99 ?? 0] as [number, number]), dashed: true },
        ]),
      ),
    ],
  ];
  const md: string[] = [];
  for (const [name, svg] of files) {
    if (!svg) continue;
    const file = `${stamp}-${name}.svg`;
    writeFileSync(path.join(dir, file), svg);
    md.push(`![${name}](${file})`);
  }
  return md;
}

/** Prints the tables and writes <dir>/<stamp>.json, .md and the charts; returns the .md path. */
export function writeReport(results: RunResults, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, "-");
  const md: string[] = [
    `# Confab bench — ${results.startedAt}`,
    "",
    `Machine: ${results.machine.cpus} CPUs, Node ${results.machine.node}, load average at start ${results.machine.load.map((l) => l.toFixed(2)).join(" ")}.`,
    "CPU is % of one core (200 % = two cores busy). Compare systems within this run; absolute figures vary between machines and with other load on them.",
    "",
    "Options: `" + JSON.stringify(results.options) + "`",
    "",
  ];
  const section = (title: string, t: { text: string; md: string }, extra: string[] = []) => {
    console.log(`\n== ${title}\n${t.text}`);
    md.push(`## ${title}`, "", t.md, "", ...extra, "");
  };
  if (results.fanout.length) section("fanout", loadTable(results.fanout), charts(results.fanout, "fanout", dir, stamp));
  if (results.twoInstances.length) section("two-instances", loadTable(results.twoInstances), charts(results.twoInstances, "two-instances", dir, stamp));
  if (results.hotRoom.length) section("hot-room", loadTable(results.hotRoom));
  if (results.idle.length) section("idle", idleTable(results.idle));
  if (results.reconnect.length) section("reconnect", reconnectTable(results.reconnect));
  if (results.failures.length) {
    const t = table(["scenario", "system", "error"], results.failures.map((f) => [f.scenario, f.system, f.error.split("\n")[0]!.slice(0, 160)]));
    section("failures", t);
  }
  writeFileSync(path.join(dir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const file = path.join(dir, `${stamp}.md`);
  writeFileSync(file, md.join("\n"));
  return file;
}
