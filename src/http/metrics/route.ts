// GET /metrics: Prometheus text exposition of the app's own registry.
import type { HttpDeps } from '../deps.js';
import { sendText } from '../server.js';
import { createMetrics } from './registry.js';

export function mountMetrics(deps: HttpDeps): void {
  const { register, refresh, text } = createMetrics(deps);
  // The leader sums the settled history once at start (a block per event-loop turn) and collects
  // every series once, so the first scrape sums only the newest block and the open incidents'.
  deps.warmUp(
    '/metrics',
    async () => {
      await refresh();
      await text();
    },
    { leader: true },
  );
  deps.http.route('GET', '/metrics', async (_req, res) => {
    await refresh();
    sendText(res, 200, await text(), register.contentType);
  });
}
