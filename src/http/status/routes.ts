// The public status surface: /status, /status.json and /status/feed.atom. No login; only what
// the visibility rule allows ever leaves the model, so nothing internal can reach these routes.
import type { IncomingMessage } from 'node:http';
import type { HttpDeps } from '../deps.js';
import { sendJson, sendText } from '../server.js';
import { renderAtom } from './feed.js';
import { statusJson } from './json.js';
import { loadStatus } from './model.js';
import { renderStatusPage } from './page.js';

// Short enough that an update shows within a minute, long enough to absorb a refresh storm behind a CDN.
const CACHE = 'public, max-age=30';

/** The public address of /status: the policy's `status_page.url`, else this request's host. */
function statusUrl(deps: HttpDeps, req: IncomingMessage): string {
  return deps.service.policy.status_page?.url ?? `http://${req.headers.host ?? `${deps.env.HOST}:${deps.port()}`}/status`;
}

export function mountStatus(deps: HttpDeps): void {
  const model = () => loadStatus(deps.db, deps.service.policy, deps.clock.now());
  deps.http.route('GET', '/status', (_req, res) => {
    res.setHeader('cache-control', CACHE);
    sendText(res, 200, renderStatusPage(model()), 'text/html; charset=utf-8');
  });
  deps.http.route('GET', '/status.json', (_req, res) => {
    sendJson(res, 200, statusJson(model()), { 'cache-control': CACHE, 'access-control-allow-origin': '*' });
  });
  deps.http.route('GET', '/status/feed.atom', (req, res) => {
    res.setHeader('cache-control', CACHE);
    sendText(res, 200, renderAtom(model(), statusUrl(deps, req)), 'application/atom+xml; charset=utf-8');
  });
}
