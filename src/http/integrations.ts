// POST /integrations/v1/:id (Authorization: Bearer) and /integrations/v1/:id/:token: alerts in.
// Order matters: an unknown or wrong token is refused before the body is read, so a stranger
// costs nothing and nothing of theirs is stored; only then size, rate and shape are checked.
// Tokens never reach a log line: errors are logged with the integration id, never the path.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpDeps } from './deps.js';
import type { Integration } from '../config/policy/integrations.js';
import { alertCounters, bump, labelKey } from '../integrations/counters.js';
import { heartbeatMessage, HeartbeatBody } from '../integrations/heartbeat.js';
import { ALERT_SOURCES } from '../integrations/parse.js';
import { RateLimiter } from '../integrations/rate-limit.js';
import type { AlertOutcome } from '../service/alerts.js';
import { onAlerts, onHeartbeat } from '../service/inbound.js';
import { HttpError, parseJsonText, readText } from './body.js';
import { sendJson } from './server.js';
import { parseOr400 } from './api/validate.js';
import { bearerToken, digest, tokenMatches } from './api/auth.js';
import { dedupKeyOf, type EventsV2Body } from '../integrations/events-v2.js';

/** Alertmanager groups can be large; a body past this is refused (413) before it is parsed. */
export const MAX_ALERT_BODY_BYTES = 1024 * 1024;
/** The copy kept for people debugging a sender; the alerts themselves are all processed. */
export const STORED_BODY_BYTES = 64 * 1024;

export const INTEGRATION_ROUTE = /^\/integrations\/v1\/([^/]+)(?:\/([^/]+))?\/?$/;


function pathToken(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The stored copy: no routing_key (it is the token), capped in size. */
function storedCopy(text: string, json: unknown): string {
  let out = text;
  if (json && typeof json === 'object' && !Array.isArray(json) && 'routing_key' in json) out = JSON.stringify({ ...json, routing_key: '[redacted]' });
  return out.length > STORED_BODY_BYTES ? `${out.slice(0, STORED_BODY_BYTES)}…[truncated]` : out;
}

export function mountIntegrations(deps: HttpDeps): void {
  const integrations = deps.service.policy.integrations;
  const env = deps.secrets;
  const expected = new Map<string, Buffer>();
  for (const [id, cfg] of Object.entries(integrations)) {
    const token = env[cfg.token_env]?.trim();
    if (token) expected.set(id, digest(token));
  }
  const limiter = new RateLimiter(deps.clock);
  const counters = alertCounters(deps);

  const refuse = (res: ServerResponse, id: string, status: number, reason: string, error: string, headers: Record<string, string> = {}) => {
    bump(counters.rejected, labelKey(id, reason));
    sendJson(res, status, { error }, headers);
  };

  deps.http.route('POST', INTEGRATION_ROUTE, async (req, res, url) => {
    const m = INTEGRATION_ROUTE.exec(url.pathname)!;
    const id = m[1];
    const cfg = Object.hasOwn(integrations, id) ? integrations[id] : undefined;
    if (!cfg) return sendJson(res, 404, { error: `id: no integration called "${id.slice(0, 64)}" in the policy` });
    const key = expected.get(id);
    if (!key) return refuse(res, id, 404, 'off', `integration ${id} is off: the variable its token_env names is unset`);
    try {
      await receive(deps, res, req, id, cfg, key, pathToken(m[2]));
    } catch (e) {
      if (e instanceof HttpError) {
        const reason = e.status === 413 ? 'too_large' : e.status === 401 ? 'unauthorized' : 'invalid';
        return refuse(res, id, e.status, reason, e.message, e.status === 413 ? { connection: 'close' } : {});
      }
      // Logged by integration id only: the path may hold the token.
      deps.log.error({ err: e, integration: id }, 'alert delivery failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error; the sender should retry' });
    }
  });

  async function receive(deps: HttpDeps, res: ServerResponse, req: IncomingMessage, id: string, cfg: Integration, key: Buffer, inPath: string | undefined) {
    const given = bearerToken(req) ?? inPath;
    // Events v2 senders put the token in the body as routing_key; everyone else must show it first.
    if (given === undefined && cfg.type !== 'events_v2') throw new HttpError(401, 'missing token: send Authorization: Bearer <token> or POST to /integrations/v1/<id>/<token>');
    if (given !== undefined && !tokenMatches(given, key)) throw new HttpError(401, 'wrong token');
    if (given !== undefined && !admit(res, id, cfg)) return;

    const text = await readText(req, MAX_ALERT_BODY_BYTES);
    const json = cfg.type === 'heartbeat' && !text.trim() ? null : parseJsonText(text);
    if (given === undefined) {
      const rk = (json as { routing_key?: unknown } | null)?.routing_key;
      if (typeof rk !== 'string' || !tokenMatches(rk, key)) throw new HttpError(401, 'missing or wrong token: send it as routing_key, a Bearer token or in the path');
      if (!admit(res, id, cfg)) return;
    }

    if (cfg.type === 'heartbeat') {
      const body = parseOr400(HeartbeatBody, json, 'body');
      const out = await onHeartbeat(deps.service, id, cfg, heartbeatMessage(body));
      bump(counters.received, labelKey(id, 'heartbeat'));
      return accepted(res, out);
    }

    const src = ALERT_SOURCES[cfg.type];
    const body = parseOr400(src.schema, json, 'body');
    const batch = src.toBatch(body);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const out = await onAlerts(deps.service, cfg, { integration: id, sha256, bytes: Buffer.byteLength(text), stored: storedCopy(text, json) }, batch);
    for (const a of batch.alerts) bump(counters.received, labelKey(id, batch.action === 'acknowledge' ? 'acknowledge' : a.status));
    bump(counters.deduplicated, id, out.deduplicated);
    // PagerDuty's own answer, so Events v2 senders that read it find the dedup_key they expect.
    if (cfg.type === 'events_v2') return accepted(res, out, { status: 'success', message: 'Event processed', dedup_key: dedupKeyOf(body as EventsV2Body) });
    return accepted(res, out);
  }

  function admit(res: ServerResponse, id: string, cfg: Integration): boolean {
    const r = limiter.take(id, cfg.rate_limit);
    if (r.ok) return true;
    bump(counters.rateLimited, id);
    sendJson(res, 429, { error: `rate limit: ${cfg.rate_limit} calls a minute for ${id}; retry after ${r.retryAfter}s` }, { 'retry-after': String(r.retryAfter), connection: 'close' });
    return false;
  }
}

function accepted(res: ServerResponse, out: AlertOutcome, extra: Record<string, unknown> = {}): void {
  sendJson(res, 202, { ...extra, outcome: out.outcome, incident: out.incident ?? null });
}
