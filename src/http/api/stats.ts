// GET /api/v1/stats?window=30d: runbook 003's KPIs by severity, from the same statsReport the chat
// `stats` command formats, as numbers (durations in seconds) rather than text.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpDeps } from '../deps.js';
import type { SeverityStats } from '../../domain/stats.js';
import { statsReportYielding } from '../../service/stats-report.js';
import { iso } from '../json.js';
import { sendJson } from '../server.js';
import { statsQuery } from './schemas.js';
import { parseOr400, queryOf } from './validate.js';

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

function severityJson({ mttaMs, mttmMs, mttrMs, ...counts }: SeverityStats) {
  return { ...counts, mttaSeconds: seconds(mttaMs), mttmSeconds: seconds(mttmMs), mttrSeconds: seconds(mttrMs) };
}

export async function getStats(deps: HttpDeps, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { window } = parseOr400(statsQuery, queryOf(url), 'query');
  const r = await statsReportYielding(deps.db, deps.service.policy, deps.clock.now(), window);
  sendJson(res, 200, { window: r.window, from: iso(r.from), to: iso(r.to), severities: r.rows.map(severityJson), total: severityJson(r.total) });
}
