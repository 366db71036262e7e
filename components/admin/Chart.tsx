"use client";
import { useFormatter, useLocale } from "next-intl";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type ChartSeries = { label: string; values: Array<number | null>; color: string; dash?: boolean };

/**
 * One uPlot time-series chart. The plot is created once per set of series (an instance
 * appearing rebuilds it) and fed new data in place otherwise, so live updates do not redraw
 * the DOM. Axis ticks are written in the reader's language (uPlot's own follow the browser's):
 * 24-hour "14:05" in German, "1.234" for a thousand.
 */
export function Chart({ title, unit, times, series, testId }: { title: string; unit: string; times: number[]; series: ChartSeries[]; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const format = useFormatter();
  const locale = useLocale();
  const shape = series.map((s) => s.label).join("|");
  const data = [times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 180,
      legend: { live: false },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 0) * 1.1)] } },
      axes: [
        {
          // Ticks closer than a minute (the first samples of a fresh hour) need their seconds.
          values: (_u, ticks) => {
            const seconds = ticks.some((tick) => tick % 60 !== 0);
            return ticks.map((tick) => (seconds ? format.dateTime(new Date(tick * 1000), "time", { second: "2-digit" }) : format.dateTime(new Date(tick * 1000), "time")));
          },
        },
        { label: unit, size: 60, values: (_u, ticks) => ticks.map((tick) => format.number(tick)) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, ...(s.dash ? { dash: [4, 4] } : {}) }))],
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of series changes; data flows in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, unit, locale]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3" data-testid={testId}>
      <figcaption className="mb-1 text-sm font-semibold text-slate-700">{title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
