/**
 * Reads Confab's own `/metrics` (Prometheus text) around a load step, so a bench row can say
 * where the time went on the server: send→ack and fan-out means, batch sizes, database time
 * per batch, held-back messages, event-loop lag. The baselines have no such endpoint.
 */
export type Sample = Map<string, number>;

/** `name{labels} value` lines into a map keyed by the series text before the value. */
export function parseProm(text: string): Sample {
  const out: Sample = new Map();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    const value = Number(line.slice(cut + 1));
    if (Number.isFinite(value)) out.set(line.slice(0, cut), value);
  }
  return out;
}

/** `timeoutMs`: a loaded server may answer late; an empty sample stands for no answer. */
export async function scrape(urls: readonly string[], timeoutMs = 5_000): Promise<Sample[]> {
  return Promise.all(
    urls.map(async (url) => {
      try {
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
        return res.ok ? parseProm(await res.text()) : new Map();
      } catch {
        return new Map();
      }
    }),
  );
}

export interface ServerFigures {
  /** Server-side mean from a send's arrival to its ack, ms. */
  sendAckMs: number | null;
  /** Mean time from a message's commit to its last socket write, ms. */
  fanoutMs: number | null;
  /** Messages per group-commit batch. */
  batchSize: number | null;
  /** Database time per batch, ms. */
  appendMs: number | null;
  heldBack: number;
  eventLoopLagP99Ms: number | null;
}

const sum = (samples: Sample[], key: string) => samples.reduce((acc, s) => acc + (s.get(key) ?? 0), 0);

/** Figures over the interval between two scrapes of the same instances. */
export function serverFigures(before: Sample[], after: Sample[]): ServerFigures {
  const delta = (key: string) => sum(after, key) - sum(before, key);
  const mean = (name: string, scale = 1, labels = "") => {
    const count = delta(`${name}_count${labels}`);
    return count > 0 ? Math.round(((delta(`${name}_sum${labels}`) * scale) / count) * 10) / 10 : null;
  };
  const lags = after.map((s) => s.get("nodejs_eventloop_lag_p99_seconds")).filter((v): v is number => v !== undefined);
  return {
    sendAckMs: mean("confab_send_ack_seconds", 1000),
    fanoutMs: mean("confab_fanout_seconds", 1000),
    batchSize: mean("confab_group_commit_batch_size"),
    appendMs: mean("confab_db_query_seconds", 1000, '{op="append_batch"}'),
    heldBack: delta("confab_messages_held_total"),
    eventLoopLagP99Ms: lags.length ? Math.round(Math.max(...lags) * 10000) / 10 : null,
  };
}
