// /readyz's checks as gauges, computed once per scrape (the DB check is a real write).
import { Gauge, type Registry } from 'prom-client';
import type { HttpDeps } from '../deps.js';
import { readiness, type Readiness } from '../readiness.js';

/** `own`: this replica's checks; `shared`: the oldest waiting page, read from the database (leader only). */
export function registerReadinessMetrics({ own, shared }: { own: Registry; shared: Registry }, deps: HttpDeps): void {
  let last: { at: number; r: Promise<Readiness | null> } = { at: 0, r: Promise.resolve(null) };
  const current = (): Promise<Readiness | null> => {
    if (Date.now() - last.at > 500) last = { at: Date.now(), r: readiness(deps).catch(() => null) };
    return last.r;
  };
  const gauge = (name: string, help: string, value: (r: Readiness) => number | null, register = own) =>
    new Gauge({
      name,
      help,
      registers: [register],
      async collect() {
        const r = await current();
        const v = r ? value(r) : null;
        if (v === null) this.reset();
        else this.set(v);
      },
    });
  gauge('klaxon_ready', '1 when /readyz answers 200: Klaxon can page now', (r) => (r.ready ? 1 : 0));
  gauge('klaxon_db_writable', '1 when the database took a write just now', (r) => (r.db.writable ? 1 : 0));
  gauge('klaxon_scheduler_last_step_age_seconds', 'Seconds since the scheduler last completed a step', (r) => r.scheduler.ageSeconds);
  gauge('klaxon_oldest_pending_page_seconds', 'Seconds the oldest undelivered page has waited (0 when none)', (r) => r.pages.oldestPendingSeconds ?? 0, shared);
  new Gauge({
    name: 'klaxon_platform_up',
    help: '1 when the platform is connected and its deliveries are not failing',
    labelNames: ['platform'],
    registers: [own],
    async collect() {
      const r = await current();
      this.reset();
      if (!r) return;
      for (const [p, a] of Object.entries(r.adapters)) this.set({ platform: p }, a.ok && a.delivery === 'ok' ? 1 : 0);
    },
  });
}
