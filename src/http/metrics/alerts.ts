// Alert ingestion series: deliveries counted in memory by the integrations route, incidents
// opened counted from the database (they outlive restarts). Every policy integration is always
// present, so a dashboard sees 0 rather than no series.
import { Counter, type Registry } from 'prom-client';
import type { HttpDeps } from '../deps.js';
import { alertCounters } from '../../integrations/counters.js';
import type { Sums } from '../../store/settled-blocks.js';

/**
 * `openedBy`: incidents opened per integration, from the scrape's history totals (null: DB down).
 * Calls counted in memory go in `own` (each replica counts what it received); incidents opened,
 * read from the database, in `shared` (the leader exports them).
 */
export function registerAlertMetrics({ own, shared }: { own: Registry; shared: Registry }, deps: HttpDeps, openedBy: () => Sums | null): void {
  const ids = Object.keys(deps.service.policy.integrations);
  const counters = alertCounters(deps);
  const fromMap = (name: string, help: string, labelNames: string[], pick: () => Map<string, number>) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [own],
      collect() {
        this.reset();
        if (labelNames.length === 1) for (const id of ids) this.inc({ integration: id }, 0);
        for (const [key, n] of pick()) {
          const values = key.split('\u0000');
          this.inc(Object.fromEntries(labelNames.map((l, i) => [l, values[i]])), n);
        }
      },
    });
  fromMap('klaxon_alerts_received_total', 'Alerts received, by integration and alert status', ['integration', 'status'], () => counters.received);
  fromMap('klaxon_alerts_deduplicated_total', 'Alerts that joined an incident already open instead of opening one', ['integration'], () => counters.deduplicated);
  fromMap('klaxon_alert_calls_rejected_total', 'Integration calls refused (unauthorized, invalid, too_large, off)', ['integration', 'reason'], () => counters.rejected);
  fromMap('klaxon_alert_calls_rate_limited_total', 'Integration calls answered 429', ['integration'], () => counters.rateLimited);

  new Counter({
    name: 'klaxon_alert_incidents_opened_total',
    help: 'Incidents opened by an integration (alerts, missed heartbeats, floods)',
    labelNames: ['integration'],
    registers: [shared],
    collect() {
      const rows = openedBy();
      if (!rows) return;
      this.reset();
      for (const id of ids) this.inc({ integration: id }, 0);
      for (const [integration, [n]] of rows) this.inc({ integration }, n);
    },
  });
}
