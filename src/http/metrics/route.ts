// GET /metrics: Prometheus text exposition of the app's own registry.
import type { KlaxonApp } from '../../app.js';
import { sendText } from '../server.js';
import { createMetrics } from './registry.js';

export function mountMetrics(app: KlaxonApp): void {
  const register = createMetrics(app);
  app.http.route('GET', '/metrics', async (_req, res) => {
    sendText(res, 200, await register.metrics(), register.contentType);
  });
}
