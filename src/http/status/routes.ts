// The public status surface: /status, /status.json and /status/feed.atom. No login; only what
// the visibility rule allows ever leaves the model, so nothing internal can reach these routes.
import type { KlaxonApp } from '../../app.js';
import { sendJson, sendText } from '../server.js';
import { renderAtom } from './feed.js';
import { statusJson } from './json.js';
import { loadStatus } from './model.js';
import { renderStatusPage } from './page.js';

// Short enough that an update shows within a minute, long enough to absorb a refresh storm behind a CDN.
const CACHE = 'public, max-age=30';

export function mountStatus(app: KlaxonApp): void {
  const model = () => loadStatus(app.opts.db, app.service.policy, app.clock.now());
  app.http.route('GET', '/status', (_req, res) => {
    res.setHeader('cache-control', CACHE);
    sendText(res, 200, renderStatusPage(model()), 'text/html; charset=utf-8');
  });
  app.http.route('GET', '/status.json', (_req, res) => {
    sendJson(res, 200, statusJson(model()), { 'cache-control': CACHE, 'access-control-allow-origin': '*' });
  });
  app.http.route('GET', '/status/feed.atom', (_req, res) => {
    res.setHeader('cache-control', CACHE);
    sendText(res, 200, renderAtom(model(), app.service.policy.status_page?.url), 'application/atom+xml; charset=utf-8');
  });
}
