// Mounts /api/v1 behind the bearer token. Every handler's HttpError becomes JSON `{error}` here,
// so handlers just throw.
import type { HttpDeps } from '../deps.js';
import { HttpError } from '../body.js';
import { type Handler, sendJson } from '../server.js';
import { guard } from './auth.js';
import { declareIncident, getOneIncident, listIncidents, ONE_INCIDENT } from './incidents.js';
import { getStats } from './stats.js';

const answerErrors =
  (h: Handler): Handler =>
  async (req, res, url) => {
    try {
      await h(req, res, url);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      // A refused body may still be arriving; close the connection rather than read the rest.
      sendJson(res, e.status, { error: e.message }, e.status === 413 ? { connection: 'close' } : {});
    }
  };

export function mountApi(deps: HttpDeps): void {
  const protect = guard(deps.env.KLAXON_API_TOKEN);
  const route = (method: string, path: string | RegExp, h: Handler) => deps.http.route(method, path, protect(answerErrors(h)));
  route('GET', '/api/v1/incidents', (req, res, url) => listIncidents(deps, req, res, url));
  route('POST', '/api/v1/incidents', (req, res) => declareIncident(deps, req, res));
  route('GET', ONE_INCIDENT, (req, res, url) => getOneIncident(deps, req, res, url));
  route('GET', '/api/v1/stats', (req, res, url) => getStats(deps, req, res, url));
}
