// The public status surface: /status, /status.json and /status/feed.atom. No login; only what
// the visibility rule allows ever leaves the model, so nothing internal can reach these routes.
import type { HttpDeps } from '../deps.js';
import { readinessWrites } from '../readiness.js';
import { totalChanges } from '../../store/transaction.js';
import { eachTurn } from '../../store/settled-blocks.js';
import { sendJson, sendText } from '../server.js';
import { renderAtom } from './feed.js';
import { statusJson } from './json.js';
import { loadStatus, type StatusModel } from './model.js';
import { renderStatusPage } from './page.js';
import { prepareStatusCode } from './cold-start.js';
import { PublicHistory } from './public-history.js';

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
  // Requests arriving while a model is built wait for that one rather than building their own.
  let building: { model: Promise<StatusModel>; version: number } | undefined;
  // The resolved incidents of ended days, read once (public-history.ts); each rebuild reads only
  // today's and the open ones, a day per event-loop turn when it must read more.
  const history = new PublicHistory();
  const version = () => totalChanges(deps.db) - readinessWrites(deps.db);
  const model = async (): Promise<StatusModel> => {
    const now = deps.clock.now();
    const v = version();
    const age = kept ? now.getTime() - kept.at : Infinity;
    if (kept && kept.version === v && age >= 0 && age < MAX_AGE_S * 1000) return kept.model;
    let b = building;
    if (b?.version !== v) {
      b = { version: v, model: loadStatus(deps.db, deps.service.policy, now, history, eachTurn) };
      building = b;
      const mine = b;
      mine.model.then(
        (model) => {
          kept = { model, at: now.getTime(), version: v };
          if (building === mine) building = undefined;
        },
        () => {
          if (building === mine) building = undefined;
        },
      );
    }
    return await b.model;
  };
  // The page's HTML is rendered once per model too (the 90-day strip is most of the work).
  const pages = new WeakMap<StatusModel, string>();
  const page = async (): Promise<string> => {
    const m = await model();
    let html = pages.get(m);
    if (html === undefined) {
      // Rendering is a turn of its own, not the end of the model's.
      await eachTurn();
      html = pages.get(m) ?? renderStatusPage(m);
      pages.set(m, html);
    }
    return html;
  };
  // A cold process's first zoned date and first strip are slow: paid here, before the listener opens.
  prepareStatusCode(deps.clock.now(), deps.service.policy);
  // At start the days are read and the page rendered once, so the first visitor finds them ready.
  deps.warmUp('status page', async () => void (await page()));
  deps.http.route('GET', '/status', async (_req, res) => {
    res.setHeader('cache-control', CACHE);
    sendText(res, 200, await page(), 'text/html; charset=utf-8');
  });
  deps.http.route('GET', '/status.json', async (_req, res) => {
    sendJson(res, 200, statusJson(await model()), { 'cache-control': CACHE, 'access-control-allow-origin': '*' });
  });
  deps.http.route('GET', '/status/feed.atom', async (_req, res) => {
    res.setHeader('cache-control', CACHE);
    sendText(res, 200, renderAtom(await model(), deps.service.policy.status_page?.url), 'application/atom+xml; charset=utf-8');
  });
}
