// GET /api/v1/stats?window=30d: runbook 003's KPIs by severity, from the same computeStats the
// chat `stats` command uses, as numbers (seconds) rather than text.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gte } from 'drizzle-orm';
import type { KlaxonApp } from '../../app.js';
import { computeStats } from '../../domain/stats.js';
import { incidents } from '../../store/schema.js';
import { iso } from '../json.js';
import { sendJson } from '../server.js';
import { statsQuery } from './schemas.js';
import { parseOr400, queryOf } from './validate.js';

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

export function getStats(app: KlaxonApp, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  const { window } = parseOr400(statsQuery, queryOf(url), 'query');
  const now = app.clock.now();
  const from = new Date(now.getTime() - window.ms);
  const rows = app.opts.db.select().from(incidents).where(gte(incidents.declaredAt, from)).all();
  // `to` is exclusive in computeStats: one millisecond past now includes an incident declared this instant.
  const table = computeStats(rows, app.service.policy.severities.map((s) => s.id), from, new Date(now.getTime() + 1));
  sendJson(res, 200, {
    window: window.text,
    from: iso(from),
    to: iso(now),
    severities: table.map((s) => ({
      severity: s.severity,
      incidents: s.incidents,
      acknowledged: s.acknowledged,
      resolved: s.resolved,
      mttaSeconds: seconds(s.mttaMs),
      mttrSeconds: seconds(s.mttrMs),
      targetsMissed: s.targetsMissed,
      postmortemsRequired: s.postmortemsRequired,
      postmortemsOnTime: s.postmortemsOnTime,
    })),
  });
}
