// Klaxon's Prometheus metrics, one Registry per app so two apps in one process (tests) never
// share series. Gauges and DB-backed counters are recomputed from SQLite on each scrape; outbox
// deliveries are counted from the dispatcher's events because attempts leave no row of their own.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { HttpDeps } from '../deps.js';
import type { Db } from '../../store/db.js';
import { dbHealthy } from '../../store/db.js';
import { outboxCounts } from '../outbox-health.js';
import { registerAlertMetrics } from './alerts.js';
import { registerReadinessMetrics } from './readiness.js';
import { alertIncidentBlocks, type BySeverity, durationBlocks, openBySeverity, pageBlocks, targetsMissedBySeverity } from './queries.js';
import { SettledBlocks, type Sums } from '../../store/settled-blocks.js';
import { type DurationBuckets, sqlHistogram } from './sql-histogram.js';

/** Seconds: 1m … 1w, the range acknowledgement and resolution times actually span. */
const ACK_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
const RESOLVE_BUCKETS = [300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];

/** The registry, and what a scrape awaits first: the history totals, summed without stalling. */
export type Metrics = {
  /** Every series: what the leader (or a lone Klaxon) exports. */
  register: Registry;
  /** This replica's own series (process, HTTP, deliveries it made, leadership): what a standby exports. */
  own: Registry;
  /** The exposition for this scrape: database-derived series only while this replica leads. */
  text(): Promise<string>;
  refresh(): Promise<void>;
  /** Settled blocks of incidents kept from earlier scrapes (a test's view of the cache). */
  readonly keptBlocks: number;
};

/** Totals over the whole history, refreshed before each scrape; null when the database did not answer. */
type HistoryTotals = { durations: Sums; pages: Sums; alertIncidents: Sums };

export function createMetrics(deps: HttpDeps, blockSize?: number): Metrics {
  const db = deps.db;
  const severities = deps.service.policy.severities.map((s) => s.id);
  // Two registries. `own`: what this process alone knows (its memory, its deliveries, its database
  // connection, whether it leads). `shared`: figures read from the database, the same whichever
  // replica reads them: exported by the leader only, so a dashboard summing over replicas counts once.
  const own = new Registry();
  const shared = new Registry();
  collectDefaultMetrics({ register: own });
  // prom-client names three gauges `_total` (nodejs_active_handles_total, …), which promtool and
  // Prometheus's naming rules reserve for counters; the same numbers stay as nodejs_active_handles etc.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) own.removeSingleMetric(name);

  new Gauge({
    name: 'klaxon_leader',
    help: '1 while this replica leads (runs the scheduler and delivers the outbox); always 1 without replicas',
    labelNames: ['replica'],
    registers: [own],
    collect() {
      const r = deps.replica();
      this.reset();
      this.set({ replica: r.id }, r.leader ? 1 : 0);
    },
  });

  /**
   * Runs a DB read unless the database is gone; a scrape then keeps the last values and says db_up 0.
   * Each read runs once per scrape however many series share it (a scrape collects every metric
   * in one turn of the event loop; the memo is dropped on the next).
   */
  const memo = new Map<(db: Db) => unknown, Promise<unknown>>();
  const read = <T>(fn: (db: Db) => Promise<T>): Promise<T | null> => {
    if (memo.has(fn)) return memo.get(fn) as Promise<T | null>;
    if (memo.size === 0) setImmediate(() => memo.clear());
    const out = (async () => ((await dbHealthy(db)) ? await fn(db) : null))().catch(() => null);
    memo.set(fn, out);
    return out;
  };

  // Incidents and pages are summed a block of ids at a time, settled blocks once (settled-blocks.ts).
  const blocks = {
    durations: new SettledBlocks(durationBlocks(ACK_BUCKETS, RESOLVE_BUCKETS), blockSize),
    pages: new SettledBlocks(pageBlocks, blockSize),
    alertIncidents: new SettledBlocks(alertIncidentBlocks, blockSize),
  };
  let history: HistoryTotals | null = null;
  const refresh = async () => {
    try {
      history = (await dbHealthy(db))
        ? { durations: await blocks.durations.total(db), pages: await blocks.pages.total(db), alertIncidents: await blocks.alertIncidents.total(db) }
        : null;
    } catch {
      history = null;
    }
  };
  /** Column `i` of the page totals (pages, acknowledged, exhausted, escalation steps) by severity. */
  const pageColumn = (i: number): BySeverity | null => (history ? [...history.pages].map(([severity, v]) => ({ severity, n: v[i] })) : null);

  new Gauge({
    name: 'klaxon_db_up',
    help: '1 when the database answers queries',
    registers: [own],
    async collect() {
      this.set((await dbHealthy(db)) ? 1 : 0);
    },
  });

  // Every policy severity is always present (0 when none) so dashboards and alerts see the series.
  const fill = (m: Gauge<'severity'> | Counter<'severity'>, rows: BySeverity) => {
    m.reset();
    for (const s of severities) m.inc({ severity: s }, 0);
    for (const r of rows) m.inc({ severity: r.severity }, Number(r.n));
  };

  new Gauge({
    name: 'klaxon_open_incidents',
    help: 'Incidents not yet resolved, by severity',
    labelNames: ['severity'],
    registers: [shared],
    async collect() {
      const rows = await read(openBySeverity);
      if (rows) fill(this, rows);
    },
  });

  const dbCounter = (name: string, help: string, query: () => Promise<BySeverity | null> | BySeverity | null) =>
    new Counter({
      name,
      help,
      labelNames: ['severity'],
      registers: [shared],
      async collect() {
        const rows = await query();
        if (rows) fill(this, rows);
      },
    });
  dbCounter('klaxon_pages_total', 'Pages started, by the severity of their incident', () => pageColumn(0));
  dbCounter('klaxon_escalations_total', 'Pages moved on to a further tier or round because nobody acknowledged', () => pageColumn(3));
  dbCounter('klaxon_acknowledgements_total', 'Pages acknowledged', () => pageColumn(1));
  dbCounter('klaxon_pages_exhausted_total', 'Pages that ran out of tiers with nobody acknowledging', () => pageColumn(2));
  dbCounter('klaxon_targets_missed_total', 'Acknowledge and resolve targets missed', () => read(targetsMissedBySeverity));

  // MTTA/MTTR histograms bucketed by SQLite (queries.ts) rather than observed row by row in memory.
  // The duration totals hold, per severity, the acknowledge figures then the resolve figures.
  const durationHistogram = (name: string, help: string, upperBounds: number[], offset: number) =>
    shared.registerMetric(
      sqlHistogram(name, help, upperBounds, async () => {
        if (!history) return null;
        const rows: DurationBuckets = [...history.durations].map(([severity, v]) => ({
          severity,
          count: v[offset],
          sum: v[offset + 1] / 1000,
          buckets: upperBounds.map((_, i) => v[offset + 2 + i]),
        }));
        // Every policy severity is present (zeros when none), as prom-client's `zero` would give.
        const found = new Map(rows.map((r) => [r.severity, r]));
        for (const sev of severities) if (!found.has(sev)) found.set(sev, { severity: sev, buckets: upperBounds.map(() => 0), sum: 0, count: 0 });
        return [...found.values()];
      }),
    );
  durationHistogram('klaxon_time_to_acknowledge_seconds', 'Declaration to first acknowledgement; MTTA is _sum / _count', ACK_BUCKETS, 0);
  durationHistogram('klaxon_time_to_resolve_seconds', 'Declaration to resolution; MTTR is _sum / _count', RESOLVE_BUCKETS, ACK_BUCKETS.length + 2);

  const outboxGauge = (name: string, help: string, status: 'pending' | 'failed') =>
    new Gauge({
      name,
      help,
      labelNames: ['platform'],
      registers: [shared],
      async collect() {
        const rows = await read(outboxCounts);
        if (!rows) return;
        this.reset();
        for (const p of deps.platforms()) this.set({ platform: p }, 0);
        // A row in flight is still part of the backlog.
        for (const r of rows) if (r.status === status || (status === 'pending' && r.status === 'sending')) this.inc({ platform: r.platform }, Number(r.n));
      },
    });
  outboxGauge('klaxon_outbox_pending', 'Messages waiting to be delivered (the backlog)', 'pending');
  outboxGauge('klaxon_outbox_failed', 'Messages given up after a permanent delivery error', 'failed');

  const delivered = new Counter({ name: 'klaxon_outbox_delivered_total', help: 'Outbox messages delivered (or skipped as moot)', labelNames: ['platform'], registers: [own] });
  const failures = new Counter({
    name: 'klaxon_outbox_delivery_failures_total',
    help: 'Failed delivery attempts; permanent="false" ones are retried',
    labelNames: ['platform', 'permanent'],
    registers: [own],
    // Every platform starts at 0 so rate() and increase() work from the first scrape, not the
    // first failure. Adapters attach after /metrics is mounted, so this runs at each scrape.
    collect() {
      for (const platform of deps.platforms()) for (const permanent of ['true', 'false']) this.inc({ platform, permanent }, 0);
    },
  });
  // Chain onto whatever hooks the app was built with rather than replacing them.
  const { sent, failed } = deps.events;
  deps.events.sent = (row) => {
    delivered.inc({ platform: row.platform });
    sent?.(row);
  };
  deps.events.failed = (row, error, permanent) => {
    failures.inc({ platform: row.platform, permanent: String(permanent) });
    failed?.(row, error, permanent);
  };

  registerReadinessMetrics({ own, shared }, deps);
  registerAlertMetrics({ own, shared }, deps, () => history?.alertIncidents ?? null);
  const all = Registry.merge([own, shared]);
  return {
    register: all,
    own,
    text: async () => (deps.replica().leader ? await all.metrics() : await own.metrics()),
    // A standby exports no history: it need not sum it.
    refresh: async () => {
      if (deps.replica().leader) await refresh();
    },
    get keptBlocks() {
      return blocks.durations.keptBlocks;
    },
  };
}
