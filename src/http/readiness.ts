// Is Klaxon able to page right now? /readyz answers 200 or 503 with the reasons; /healthz stays a
// liveness check but says "degraded" in its body; /metrics exposes the same checks.
import { runChanges } from '../store/transaction.js';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { HttpDeps } from './deps.js';
import { PRIORITY } from '../service/outbox-writer.js';
import { outbox, settings } from '../store/tables.js';

/** The scheduler is stale when it has not completed a step for this many ticks (at least 30 s). */
const STALE_TICKS = 3;
const MIN_STALE_MS = 30_000;
export const DEFAULT_PAGE_STUCK_SECONDS = 120;

/**
 * Rows the write check changed, per connection. The status page rebuilds when the connection's
 * change count moves; a monitor probing /healthz every few seconds must not count as news, or the
 * page would be rebuilt on nearly every request.
 */
const probeWrites = new WeakMap<object, number>();
export const readinessWrites = (db: HttpDeps['db']): number => probeWrites.get(db.$client) ?? 0;

export type Readiness = {
  ready: boolean;
  /** Not ready, or a platform's deliveries are failing: /healthz says "degraded". */
  degraded: boolean;
  reasons: string[];
  /** `standby`: another replica leads and runs the scheduler; this one serves HTTP only. */
  scheduler: { lastTickAt: string | null; ageSeconds: number | null; ok: boolean; standby?: true; error?: string };
  pages: { oldestPendingSeconds: number | null; thresholdSeconds: number; ok: boolean };
  db: { writable: boolean; error?: string };
  adapters: Record<string, { state: string; delivery: string; ok: boolean }>;
};

export async function readiness(deps: HttpDeps): Promise<Readiness> {
  const now = deps.clock.now().getTime();
  const reasons: string[] = [];

  const staleMs = Math.max(MIN_STALE_MS, STALE_TICKS * deps.env.KLAXON_TICK_SECONDS * 1000);
  const tick = deps.lastTick();
  const age = tick.at ? now - tick.at.getTime() : null;
  // A standby's scheduler is meant to be idle: it is ready to serve HTTP all the same.
  const standby = !deps.replica().leader;
  const schedulerOk = standby || (age !== null && age <= staleMs);
  if (!schedulerOk) reasons.push(age === null ? 'the scheduler has not completed a step yet' : `the scheduler last completed a step ${Math.round(age / 1000)}s ago`);

  const thresholdSeconds = deps.env.KLAXON_PAGE_STUCK_SECONDS ?? DEFAULT_PAGE_STUCK_SECONDS;
  let oldest: number | null = null;
  let db: Readiness['db'] = { writable: true };
  try {
    const row = (await deps.db
      .select({ createdAt: outbox.createdAt })
      .from(outbox)
      .where(and(eq(outbox.priority, PRIORITY.page), inArray(outbox.status, ['pending', 'sending'])))
      .orderBy(asc(outbox.createdAt))
      .limit(1))[0];
    oldest = row ? Math.max(0, Math.round((now - row.createdAt.getTime()) / 1000)) : null;
    // A real write: a read works on a locked or full database, paging does not.
    const probe = (await runChanges(deps.db
      .insert(settings)
      .values({ key: 'readyz_probe', value: new Date(now).toISOString(), updatedAt: new Date(now) })
      .onConflictDoUpdate({ target: settings.key, set: { value: new Date(now).toISOString(), updatedAt: new Date(now) } })));
    probeWrites.set(deps.db.$client, readinessWrites(deps.db) + probe.changes);
  } catch (e) {
    db = { writable: false, error: e instanceof Error ? e.message : String(e) };
    reasons.push(`the database is not writable: ${db.error}`);
  }
  // Delivering pages is the leader's job: a page stuck there says nothing of this standby's HTTP.
  const pagesOk = standby || oldest === null || oldest <= thresholdSeconds;
  if (!pagesOk) reasons.push(`a page has waited ${oldest}s for delivery (threshold ${thresholdSeconds}s)`);

  const lanes = deps.deliveryLanes();
  const adapters: Readiness['adapters'] = {};
  for (const p of deps.platforms()) {
    const state = deps.connectionState(p);
    const lane = lanes[p];
    const delivery = lane?.state === 'failing' ? `failing (${lane.failures} in a row: ${lane.lastError})` : 'ok';
    // A failing delivery lane shows here and makes /healthz "degraded"; a stuck page makes it 503.
    // `standby`: a connection the leader holds (Discord's gateway, Slack's Socket Mode).
    const ok = /^(ok|connected|standby)\b/.test(state);
    adapters[p] = { state, delivery, ok };
    if (!ok) reasons.push(`${p}: ${state}`);
  }

  return {
    ready: reasons.length === 0,
    degraded: reasons.length > 0 || Object.values(lanes).some((l) => l.state === 'failing'),
    reasons,
    scheduler: { lastTickAt: tick.at?.toISOString() ?? null, ageSeconds: age === null ? null : Math.round(age / 1000), ok: schedulerOk, ...(standby ? { standby: true as const } : {}), ...(tick.error ? { error: tick.error } : {}) },
    pages: { oldestPendingSeconds: oldest, thresholdSeconds, ok: pagesOk },
    db,
    adapters,
  };
}
