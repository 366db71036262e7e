/**
 * The dashboard's live feed (server-sent events): the series since `since` at once, then each
 * new sampling interval's points as an `series` event. The stream re-checks that the viewer is
 * still a site admin every interval and ends when they are not.
 */
import { MetricsQuery } from "@/protocol/rest";
import { getMetricsSeries } from "@/server/admin/metrics";
import { apiRoute, parseQuery } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, runtime, actor }) => {
  const first = await getMetricsSeries(runtime, actor, parseQuery(req, MetricsQuery).since);
  const encoder = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let since = latest(first.total, 0);
      const push = (data: unknown) => controller.enqueue(encoder.encode(`event: series\ndata: ${JSON.stringify(data)}\n\n`));
      const stop = () => {
        clearInterval(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      push(first);
      timer = setInterval(() => {
        getMetricsSeries(runtime, actor, since).then((series) => {
          since = latest(series.total, since);
          push(series);
        }, stop);
      }, runtime.metricsHistory.intervalMs);
      req.signal.addEventListener("abort", stop);
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // nginx and similar proxies must pass each event on at once.
      "x-accel-buffering": "no",
    },
  });
});

const latest = (points: Array<{ t: number }>, fallback: number) => points.reduce((max, p) => Math.max(max, p.t), fallback);
