// GET /healthz: liveness for load balancers and humans. 503 only when the database is unusable,
// because that is the one failure Klaxon cannot ride out; adapters reconnect and the outbox retries.
import type { HttpDeps } from './deps.js';
import { dbHealthy } from '../store/db.js';
import { type OutboxHealth, outboxHealth } from './outbox-health.js';
import { sendJson } from './server.js';

export function mountHealthz(deps: HttpDeps): void {
  deps.http.route('GET', '/healthz', (_req, res) => {
    const adapters = Object.fromEntries(deps.platforms().map((p) => [p, deps.connectionState(p)]));
    const headers = { 'cache-control': 'no-store' };
    let outbox: OutboxHealth;
    try {
      if (!dbHealthy(deps.db)) throw new Error('database does not answer');
      outbox = outboxHealth(deps.db);
    } catch {
      sendJson(res, 503, { status: 'error', db: 'unusable', adapters }, headers);
      return;
    }
    sendJson(res, 200, { status: 'ok', db: 'ok', adapters, outbox }, headers);
  });
}
