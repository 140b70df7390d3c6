// GET /healthz: liveness for load balancers and humans (its body says ok or degraded); GET /readyz:
// whether Klaxon can page right now (readiness.ts). 503 only when the database is unusable,
// because that is the one failure Klaxon cannot ride out; adapters reconnect and the outbox retries.
import type { HttpDeps } from './deps.js';
import { dbHealthy } from '../store/db.js';
import { type OutboxHealth, outboxHealth } from './outbox-health.js';
import { sendJson } from './server.js';
import { readiness, type Readiness } from './readiness.js';

export function mountHealthz(deps: HttpDeps): void {
  deps.http.route('GET', '/healthz', async (_req, res) => {
    const adapters = Object.fromEntries(deps.platforms().map((p) => [p, deps.connectionState(p)]));
    const headers = { 'cache-control': 'no-store' };
    // Which replica answered, and whether it runs the scheduler and delivers (always true without replicas).
    const { id: replica, leader } = deps.replica();
    let outbox: OutboxHealth;
    try {
      if (!(await dbHealthy(deps.db))) throw new Error('database does not answer');
      outbox = await outboxHealth(deps.db);
    } catch {
      sendJson(res, 503, { status: 'error', db: 'unusable', replica, leader, adapters }, headers);
      return;
    }
    const ready = await readiness(deps);
    sendJson(res, 200, { status: ready.degraded ? 'degraded' : 'ok', db: 'ok', replica, leader, adapters, outbox, ...(ready.degraded ? { reasons: ready.reasons } : {}) }, headers);
  });

  // Readiness: 200 only when Klaxon can page now; 503 with the reasons otherwise.
  deps.http.route('GET', '/readyz', async (_req, res) => {
    let r: Readiness;
    try {
      r = await readiness(deps);
    } catch (e) {
      sendJson(res, 503, { status: 'not ready', reasons: [`the database is unusable: ${e instanceof Error ? e.message : String(e)}`] }, { 'cache-control': 'no-store' });
      return;
    }
    const { ready, degraded: _degraded, ...checks } = r;
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...checks }, { 'cache-control': 'no-store' });
  });
}
