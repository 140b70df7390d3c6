// Klaxon's Prometheus metrics, one Registry per app so two apps in one process (tests) never
// share series. Gauges and DB-backed counters are recomputed from SQLite on each scrape; outbox
// deliveries are counted from the dispatcher's events because attempts leave no row of their own.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpDeps } from '../deps.js';
import type { Db } from '../../store/db.js';
import { dbHealthy } from '../../store/db.js';
import { outboxCounts } from '../outbox-health.js';
import { registerAlertMetrics } from './alerts.js';
import { type BySeverity, escalationsBySeverity, incidentDurations, openBySeverity, pagesBySeverity, targetsMissedBySeverity } from './queries.js';

/** Seconds: 1m … 1w, the range acknowledgement and resolution times actually span. */
const ACK_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
const RESOLVE_BUCKETS = [300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800];

export function createMetrics(deps: HttpDeps): Registry {
  const db = deps.db;
  const severities = deps.service.policy.severities.map((s) => s.id);
  const register = new Registry();
  collectDefaultMetrics({ register });

  /** Runs a DB read unless the database is gone; a scrape then keeps the last values and says db_up 0. */
  const read = <T>(fn: (db: Db) => T): T | null => {
    try {
      return dbHealthy(db) ? fn(db) : null;
    } catch {
      return null;
    }
  };

  new Gauge({
    name: 'klaxon_db_up',
    help: '1 when the SQLite database answers queries',
    registers: [register],
    collect() {
      this.set(dbHealthy(db) ? 1 : 0);
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
    registers: [register],
    collect() {
      const rows = read(openBySeverity);
      if (rows) fill(this, rows);
    },
  });

  const dbCounter = (name: string, help: string, query: (db: Db) => BySeverity) =>
    new Counter({
      name,
      help,
      labelNames: ['severity'],
      registers: [register],
      collect() {
        const rows = read(query);
        if (rows) fill(this, rows);
      },
    });
  dbCounter('klaxon_pages_total', 'Pages started, by the severity of their incident', (d) => pagesBySeverity(d));
  dbCounter('klaxon_escalations_total', 'Pages moved on to a further tier or round because nobody acknowledged', escalationsBySeverity);
  dbCounter('klaxon_acknowledgements_total', 'Pages acknowledged', (d) => pagesBySeverity(d, 'acknowledged'));
  dbCounter('klaxon_pages_exhausted_total', 'Pages that ran out of tiers with nobody acknowledging', (d) => pagesBySeverity(d, 'exhausted'));
  dbCounter('klaxon_targets_missed_total', 'Acknowledge and resolve targets missed', targetsMissedBySeverity);

  const durationHistogram = (name: string, help: string, buckets: number[], pick: 'toAckMs' | 'toResolveMs') =>
    new Histogram({
      name,
      help,
      labelNames: ['severity'],
      buckets,
      registers: [register],
      collect() {
        const rows = read(incidentDurations);
        if (!rows) return;
        this.reset();
        for (const s of severities) this.zero({ severity: s });
        for (const r of rows) if (r[pick] !== null) this.observe({ severity: r.severity }, r[pick]! / 1000);
      },
    });
  durationHistogram('klaxon_time_to_acknowledge_seconds', 'Declaration to first acknowledgement; MTTA is _sum / _count', ACK_BUCKETS, 'toAckMs');
  durationHistogram('klaxon_time_to_resolve_seconds', 'Declaration to resolution; MTTR is _sum / _count', RESOLVE_BUCKETS, 'toResolveMs');

  const outboxGauge = (name: string, help: string, status: 'pending' | 'failed') =>
    new Gauge({
      name,
      help,
      labelNames: ['platform'],
      registers: [register],
      collect() {
        const rows = read(outboxCounts);
        if (!rows) return;
        this.reset();
        for (const p of deps.platforms()) this.set({ platform: p }, 0);
        for (const r of rows) if (r.status === status) this.set({ platform: r.platform }, Number(r.n));
      },
    });
  outboxGauge('klaxon_outbox_pending', 'Messages waiting to be delivered (the backlog)', 'pending');
  outboxGauge('klaxon_outbox_failed', 'Messages given up after a permanent delivery error', 'failed');

  const delivered = new Counter({ name: 'klaxon_outbox_delivered_total', help: 'Outbox messages delivered (or skipped as moot)', labelNames: ['platform'], registers: [register] });
  const failures = new Counter({
    name: 'klaxon_outbox_delivery_failures_total',
    help: 'Failed delivery attempts; permanent="false" ones are retried',
    labelNames: ['platform', 'permanent'],
    registers: [register],
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

  registerAlertMetrics(register, deps);
  return register;
}
