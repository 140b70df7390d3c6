// /api/v1/incidents: list, read one (with timeline and pages), and declare from an integration.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { desc, eq, inArray } from 'drizzle-orm';
import type { HttpDeps } from '../deps.js';
import type { Actor } from '../../service/actor.js';
import { getIncident, rolesFor, rolesOf } from '../../service/incident-view.js';
import type { ErrorKind } from '../../service/errors.js';
import { incidents } from '../../store/tables.js';
import { OPEN_STATUSES } from '../../store/settled-blocks.js';
import { HttpError, readJson } from '../body.js';
import { sendJson } from '../server.js';
import { incidentJson, pagesJson, timelineJson } from './present.js';
import { declareSchema, listQuery, numberParam } from './schemas.js';
import { parseOr400, queryOf } from './validate.js';

/** Who the timeline says declared it: the API itself, since a token names no person. */
export const API_ACTOR: Actor = { id: 'api', name: 'API', platform: 'api' };

/** The service's refusal kinds as HTTP statuses. */
const STATUS_OF: Record<ErrorKind, number> = { forbidden: 403, not_found: 404, invalid: 400, conflict: 409 };

export const ONE_INCIDENT = /^\/api\/v1\/incidents\/[^/]+$/;

export async function listIncidents(deps: HttpDeps, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const q = parseOr400(listQuery, queryOf(url), 'query');
  const db = deps.db;
  const where = q.status === 'open' ? inArray(incidents.status, OPEN_STATUSES) : q.status === 'resolved' ? eq(incidents.status, 'resolved') : undefined;
  const rows = (await db.select().from(incidents).where(where).orderBy(desc(incidents.id)).limit(q.limit));
  const roles = await rolesFor(db, rows.map((r) => r.id));
  sendJson(res, 200, { incidents: rows.map((r) => incidentJson(deps.service.policy, r, roles.get(r.id) ?? {})) });
}

async function detail(deps: HttpDeps, number: number) {
  const db = deps.db;
  const inc = await getIncident(db, number);
  if (!inc) throw new HttpError(404, `number: there is no incident #${number}`);
  return { ...incidentJson(deps.service.policy, inc, await rolesOf(db, inc.id)), timeline: await timelineJson(db, inc.id), pages: await pagesJson(db, inc.id) };
}

export async function getOneIncident(deps: HttpDeps, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  // The number is digits or nothing: no decoding, so a stray % is a 400 like any other bad number.
  const number = parseOr400(numberParam, url.pathname.split('/').pop()!, 'number');
  sendJson(res, 200, await detail(deps, number));
}

export async function declareIncident(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parseOr400(declareSchema(deps.service.policy), await readJson(req), 'body');
  const reply = await deps.service.declareFrom(API_ACTOR, { title: body.title, severity: body.severity, description: body.description, sourceLink: body.link, labels: body.labels });
  if (!reply.ok || reply.incident === undefined) throw new HttpError(STATUS_OF[reply.error ?? 'invalid'], reply.text);
  sendJson(res, 201, await detail(deps, reply.incident), { location: `/api/v1/incidents/${reply.incident}` });
}
