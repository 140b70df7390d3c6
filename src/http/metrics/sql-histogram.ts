// A Prometheus histogram whose buckets are already counted (by SQLite): prom-client's Histogram
// only learns by observe(), one value at a time, which meant loading every incident per scrape.
// It exposes the same series a prom-client Histogram would: _bucket{le} (cumulative), _sum, _count.
import type { Metric, MetricObjectWithValues, MetricValueWithName } from 'prom-client';

/** Cumulative bucket counts, sum and count of one duration per severity, as a histogram exposes them. */
export type DurationBuckets = { severity: string; buckets: number[]; sum: number; count: number }[];

export function sqlHistogram(name: string, help: string, upperBounds: number[], read: () => Promise<DurationBuckets | null>): Metric<'severity'> {
  let last: DurationBuckets = [];
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get(): Promise<MetricObjectWithValues<MetricValueWithName<'severity'>>> {
      // When the database does not answer, the last values stand (klaxon_db_up says why).
      last = (await read()) ?? last;
      const values = last.flatMap((r) => [
        ...upperBounds.map((b, i) => ({ metricName: `${name}_bucket`, labels: { le: b, severity: r.severity }, value: r.buckets[i] })),
        { metricName: `${name}_bucket`, labels: { le: '+Inf', severity: r.severity }, value: r.count },
        { metricName: `${name}_sum`, labels: { severity: r.severity }, value: r.sum },
        { metricName: `${name}_count`, labels: { severity: r.severity }, value: r.count },
      ]);
      return { name, help, type: 'histogram' as never, aggregator: 'sum', values } as never;
    },
    reset() {
      last = [];
    },
  };
  return metric as unknown as Metric<'severity'>;
}
