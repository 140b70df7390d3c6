// Mounts the HTTP surface on the app's listener.
import type { KlaxonApp } from '../app.js';
import { dbHealthy } from '../store/db.js';
import { sendJson } from './server.js';

export function mountHttp(app: KlaxonApp): void {
  app.http.route('GET', '/healthz', (_req, res) => {
    const db = dbHealthy(app.opts.db);
    const adapters = Object.fromEntries([...app.adapters.keys()].map((p) => [p, app.connections.get(p)?.state() ?? 'ok']));
    sendJson(res, db ? 200 : 503, { status: db ? 'ok' : 'error', db: db ? 'ok' : 'unusable', adapters });
  });
}
