/**
 * Latency histogram with logarithmic buckets (2 % wide, 10 µs .. ~10 min): constant memory
 * however many samples, and histograms from different workers merge by adding counts.
 */
const MIN_MS = 0.01;
const GROWTH = 1.02;
const BUCKETS = 1100;
const LOG_GROWTH = Math.log(GROWTH);

export class Histogram {
  readonly counts: number[];
  count = 0;
  max = 0;

  constructor(counts?: number[]) {
    this.counts = counts ? [...counts] : new Array<number>(BUCKETS).fill(0);
    if (counts) this.count = counts.reduce((a, b) => a + b, 0);
  }

  record(ms: number): void {
    const index = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[index]! += 1;
    this.count += 1;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i] ?? 0;
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** The upper edge of the bucket holding the q-quantile (q in 0..1); null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(MIN_MS * GROWTH ** i, this.max);
    }
    return this.max;
  }

  toJSON(): HistogramData {
    return { counts: this.counts, count: this.count, max: this.max };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram(data.counts);
    h.max = data.max;
    return h;
  }
}

export interface HistogramData {
  counts: number[];
  count: number;
  max: number;
}
