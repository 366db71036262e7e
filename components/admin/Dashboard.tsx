"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import type { MetricsPoint, MetricsSeries } from "@/lib/api";
import { Chart, type ChartSeries } from "./Chart";

const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4d7c0f", "#be185d"];
const TOTAL_COLOR = "#0f172a";
const HOUR_MS = 3_600_000;

type State = { interval: number; total: Map<number, MetricsPoint>; instances: Map<string, Map<number, MetricsPoint>> };

function merge(state: State, series: MetricsSeries): State {
  const cutoff = Date.now() - HOUR_MS;
  const total = new Map(state.total);
  for (const p of series.total) total.set(p.t, p);
  const instances = new Map(state.instances);
  for (const { id, points } of series.instances) {
    const mine = new Map(instances.get(id) ?? []);
    for (const p of points) mine.set(p.t, p);
    instances.set(id, mine);
  }
  for (const [t] of total) if (t < cutoff) total.delete(t);
  for (const [id, points] of instances) {
    for (const [t] of points) if (t < cutoff) points.delete(t);
    if (points.size === 0) instances.delete(id);
  }
  return { interval: series.interval_ms, total, instances };
}

/**
 * The live dashboard: the last hour of every instance's metrics and their total, fed by the
 * server-sent `series` events of /api/admin/metrics/stream (the first event is the whole hour).
 */
export function Dashboard() {
  const t = useTranslations("admin.dashboard");
  const [state, setState] = useState<State>({ interval: 5000, total: new Map(), instances: new Map() });
  const [live, setLive] = useState(false);

  useEffect(() => {
    const source = new EventSource("/api/admin/metrics/stream");
    source.addEventListener("series", (event) => {
      const series = JSON.parse((event as MessageEvent<string>).data) as MetricsSeries;
      setState((s) => merge(s, series));
    });
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    return () => source.close();
  }, []);

  const view = useMemo(() => {
    const times = [...state.total.keys()].sort((a, b) => a - b);
    const ids = [...state.instances.keys()].sort();
    const pick = (points: Map<number, MetricsPoint> | undefined, key: keyof MetricsPoint) => times.map((t) => (points?.get(t)?.[key] as number | null | undefined) ?? null);
    const perInstance = (key: keyof MetricsPoint): ChartSeries[] =>
      ids.map((id, i) => ({ label: id, values: pick(state.instances.get(id), key), color: PALETTE[i % PALETTE.length]! }));
    const total = (key: keyof MetricsPoint, label = t("series.total"), dash = false): ChartSeries => ({ label, values: pick(state.total, key), color: TOTAL_COLOR, dash });
    const totals = [...state.total.values()];
    const last = totals.length ? state.total.get(times[times.length - 1]!) : undefined;
    const messagesLastHour = Math.round(totals.reduce((sum, p) => sum + (p.messages_per_s * state.interval) / 1000, 0));
    return { times, ids, perInstance, total, last, messagesLastHour };
  }, [state, t]);

  const { times, perInstance, total, last } = view;
  const multi = view.ids.length > 1;
  const withTotal = (key: keyof MetricsPoint) => (multi ? [total(key), ...perInstance(key)] : perInstance(key));

  return (
    <div className="space-y-4" data-testid="admin-dashboard">
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <span className={live ? "text-emerald-700" : "text-slate-600"} data-testid="dashboard-live">
          {live ? t("live") : t("connecting")}
        </span>
        <Stat label="instances" value={view.ids.length} testId="stat-instances" />
        <Stat label="connections" value={last?.connections ?? 0} testId="stat-connections" />
        <Stat label="messages" value={view.messagesLastHour} testId="stat-messages" />
        <Stat label="ackP99" value={typeof last?.send_ack_p99_ms === "number" ? last.send_ack_p99_ms : null} testId="stat-ack-p99" />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Chart testId="chart-connections" title={t("charts.connections")} unit={t("units.sockets")} times={times} series={withTotal("connections")} />
        <Chart testId="chart-messages" title={t("charts.messages")} unit={t("units.messages")} times={times} series={withTotal("messages_per_s")} />
        <Chart
          testId="chart-send-ack"
          title={t("charts.sendAck")}
          unit={t("units.ms")}
          times={times}
          series={[total("send_ack_p50_ms", "p50"), total("send_ack_p99_ms", "p99", true), ...(multi ? perInstance("send_ack_p99_ms").map((s) => ({ ...s, label: t("series.instanceP99", { instance: s.label }) })) : [])]}
        />
        <Chart
          testId="chart-fanout"
          title={t("charts.fanout")}
          unit={t("units.ms")}
          times={times}
          series={[total("fanout_p50_ms", "p50"), total("fanout_p99_ms", "p99", true), ...(multi ? perInstance("fanout_p99_ms").map((s) => ({ ...s, label: t("series.instanceP99", { instance: s.label }) })) : [])]}
        />
        <Chart testId="chart-loop-lag" title={t("charts.loopLag")} unit={t("units.ms")} times={times} series={multi ? [total("loop_lag_ms", t("series.worst")), ...perInstance("loop_lag_ms")] : perInstance("loop_lag_ms")} />
        <Chart
          testId="chart-jobs"
          title={t("charts.jobs")}
          unit={t("units.jobs")}
          times={times}
          series={[
            { ...total("jobs_queued", t("series.queued")), color: "#2563eb" },
            { ...total("jobs_failed", t("series.failed")), color: "#dc2626" },
          ]}
        />
      </div>
      {times.length === 0 && <p className="text-sm text-slate-600">{t("waiting")}</p>}
    </div>
  );
}

/** One figure in the reader's number format; the raw number rides along in `data-value` for scripts and tests. */
function Stat({ label, value, testId }: { label: "instances" | "connections" | "messages" | "ackP99"; value: number | null; testId: string }) {
  const t = useTranslations("admin.dashboard.stats");
  const format = useFormatter();
  const shown = value === null ? "—" : format.number(value);
  return (
    <span className="rounded-md bg-slate-100 px-2 py-1 text-slate-700">
      {t.rich(label, {
        value: shown,
        b: (chunks) => (
          <strong data-testid={testId} data-value={value ?? undefined}>
            {chunks}
          </strong>
        ),
      })}
    </span>
  );
}
