// The public status surface: /status, /status.json and /status/feed.atom. No login; only what
// the visibility rule allows ever leaves the model, so nothing internal can reach these routes.
import type { HttpDeps } from '../deps.js';
import { readinessWrites } from '../readiness.js';
import { totalChanges } from '../../store/transaction.js';
import { sendJson, sendText } from '../server.js';
import { renderAtom } from './feed.js';
import { statusJson } from './json.js';
import { loadStatus, type StatusModel } from './model.js';
import { renderStatusPage } from './page.js';

// Short enough that an update shows within a minute, long enough to absorb a refresh storm behind a CDN.
const MAX_AGE_S = 30;
const CACHE = `public, max-age=${MAX_AGE_S}`;

export function mountStatus(deps: HttpDeps): void {
  // One model serves every request for up to the pages' max-age, and is rebuilt sooner when
  // anything was written since through this process (on SQLite the database's one writer, so its
  // change count moves with every commit): a refresh storm costs one read, and a new update shows
  // at once. On PostgreSQL a change another replica made shows within the max-age.
  // The readiness probe's own write (every /healthz) is not a change to show.
  let kept: { model: StatusModel; at: number; version: number } | undefined;
  const version = () => totalChanges(deps.db) - readinessWrites(deps.db);
  const model = async (): Promise<StatusModel> => {
    const now = deps.clock.now();
    const v = version();
    const age = kept ? now.getTime() - kept.at : Infinity;
    if (!kept || kept.version !== v || age < 0 || age >= MAX_AGE_S * 1000) kept = { model: await loadStatus(deps.db, deps.service.policy, now), at: now.getTime(), version: v };
    return kept.model;
  };
  // The page's HTML is rendered once per model too (the 90-day strip is most of the work).
  const pages = new WeakMap<StatusModel, string>();
  deps.http.route('GET', '/status', async (_req, res) => {
    res.setHeader('cache-control', CACHE);
    const m = await model();
    let html = pages.get(m);
    if (html === undefined) pages.set(m, (html = renderStatusPage(m)));
    sendText(res, 200, html, 'text/html; charset=utf-8');
  });
  deps.http.route('GET', '/status.json', async (_req, res) => {
    sendJson(res, 200, statusJson(await model()), { 'cache-control': CACHE, 'access-control-allow-origin': '*' });
  });
  deps.http.route('GET', '/status/feed.atom', async (_req, res) => {
    res.setHeader('cache-control', CACHE);
    sendText(res, 200, renderAtom(await model(), deps.service.policy.status_page?.url), 'application/atom+xml; charset=utf-8');
  });
}
