// GET /healthz: liveness for load balancers and humans. 503 only when the database is unusable,
// because that is the one failure Klaxon cannot ride out; adapters reconnect and the outbox retries.
import type { KlaxonApp } from '../app.js';
import { dbHealthy } from '../store/db.js';
import { type OutboxHealth, outboxHealth } from './outbox-health.js';
import { sendJson } from './server.js';

export function mountHealthz(app: KlaxonApp): void {
  app.http.route('GET', '/healthz', (_req, res) => {
    const adapters = Object.fromEntries([...app.adapters.keys()].map((p) => [p, app.connections.get(p)?.state() ?? 'ok']));
    const headers = { 'cache-control': 'no-store' };
    let outbox: OutboxHealth;
    try {
      if (!dbHealthy(app.opts.db)) throw new Error('database does not answer');
      outbox = outboxHealth(app.opts.db);
    } catch {
      sendJson(res, 503, { status: 'error', db: 'unusable', adapters }, headers);
      return;
    }
    sendJson(res, 200, { status: 'ok', db: 'ok', adapters, outbox }, headers);
  });
}
