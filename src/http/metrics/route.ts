// GET /metrics: Prometheus text exposition of the app's own registry.
import type { HttpDeps } from '../deps.js';
import { sendText } from '../server.js';
import { createMetrics } from './registry.js';

export function mountMetrics(deps: HttpDeps): void {
  const { register, refresh, text } = createMetrics(deps);
  deps.http.route('GET', '/metrics', async (_req, res) => {
    await refresh();
    sendText(res, 200, await text(), register.contentType);
  });
}
