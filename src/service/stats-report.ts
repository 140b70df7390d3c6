// `stats [30d]`: loads the window's incidents, computes runbook 003's KPIs (domain/stats.ts) and
// writes them for chat. `statsReport` is the structured form, for anything that wants JSON.
import { and, gte, inArray, like, or } from 'drizzle-orm';
import { formatMs, type Duration } from '../domain/duration.js';
import { findSeverity, type Policy } from '../config/policy/index.js';
import { computeStats, computeTotal, type IncidentFacts, type SeverityStats } from '../domain/stats.js';
import type { Db, Tx } from '../store/db.js';
import { incidents, timelineEvents } from '../store/schema.js';
import { formatTime, severityLabel } from './incident-view.js';
import { ROLE_MISSED } from './role-grace.js';

export type StatsReport = { rows: SeverityStats[]; total: SeverityStats; from: Date; to: Date; window: string };

/** Figures for incidents declared in the `windowMs` up to `now`. */
export function statsReport(tx: Tx | Db, policy: Policy, now: Date, window: Extract<Duration, { kind: 'wall' }>): StatsReport {
  const from = new Date(now.getTime() - window.ms);
  // The window includes an incident declared this very millisecond.
  const to = new Date(now.getTime() + 1);
  const rows = tx.select().from(incidents).where(gte(incidents.declaredAt, from)).all();
  const missed = new Map<number, string[]>();
  const roles = new Map<number, string[]>();
  if (rows.length) {
    const events = tx
      .select({ incidentId: timelineEvents.incidentId, kind: timelineEvents.kind })
      .from(timelineEvents)
      .where(and(inArray(timelineEvents.incidentId, rows.map((r) => r.id)), or(like(timelineEvents.kind, 'target_missed:%'), like(timelineEvents.kind, `${ROLE_MISSED}%`))))
      .all();
    for (const e of events) {
      const [into, prefix] = e.kind.startsWith(ROLE_MISSED) ? [roles, ROLE_MISSED] : [missed, 'target_missed:'];
      into.set(e.incidentId, [...(into.get(e.incidentId) ?? []), e.kind.slice(prefix.length)]);
    }
  }
  const facts: IncidentFacts[] = rows.map((r) => ({ ...r, missedTargets: missed.get(r.id) ?? [], missedRoles: roles.get(r.id) ?? [] }));
  const rowsBySeverity = computeStats(facts, policy.severities.map((s) => s.id), from, to, now);
  return { rows: rowsBySeverity, total: computeTotal(facts, from, to, now), from, to: now, window: window.text };
}

const fmt = (ms: number | null) => (ms === null ? '—' : formatMs(Math.round(ms)));

/** One line per severity: "SEV1: 2 incidents (1 open) · MTTA 7m 30s · MTTR 2h · …". */
export function statsLine(label: string, s: SeverityStats): string {
  if (s.incidents === 0) return `${label}: no incidents`;
  const open = s.open ? ` (${s.open} open)` : '';
  const byTarget = [`acknowledge ${s.acknowledgeMissed}`, s.mitigateMissed ? `mitigate ${s.mitigateMissed}` : '', `resolve ${s.resolveMissed}`].filter(Boolean);
  const targets = s.targetsMissed ? `${s.targetsMissed} (${byTarget.join(', ')})` : '0';
  const settled = s.postmortemsOnTime + s.postmortemsLate + s.postmortemsOverdue;
  const pmNotes = [s.postmortemsLate && `${s.postmortemsLate} late`, s.postmortemsOverdue && `${s.postmortemsOverdue} overdue`, s.postmortemsPending && `${s.postmortemsPending} not yet due`].filter(Boolean);
  // Only postmortems done or past due can be judged; with none of those yet there is no ratio.
  const pm = !s.postmortemsRequired
    ? 'none required'
    : settled === 0
      ? `none due yet (${s.postmortemsPending} open)`
      : `${s.postmortemsOnTime}/${settled}${pmNotes.length ? ` (${pmNotes.join(', ')})` : ''}`;
  return [
    `${label}: ${s.incidents} incident${s.incidents === 1 ? '' : 's'}${open}`,
    `MTTA ${fmt(s.mttaMs)}`,
    `MTTM ${fmt(s.mttmMs)}`,
    `MTTR ${fmt(s.mttrMs)}`,
    `targets missed ${targets}`,
    // Only teams that require roles see the count, and only once a role was missed.
    ...(s.rolesMissed ? [`required roles left empty ${s.rolesMissed}`] : []),
    `postmortems on time ${pm}`,
  ].join(' · ');
}

export function formatStats(policy: Policy, r: StatsReport): { title: string; lines: string[]; text: string } {
  const label = (id: string) => {
    const sev = findSeverity(policy, id);
    return sev ? severityLabel(sev) : id;
  };
  const title = `Incident stats, last ${r.window} (declared since ${formatTime(policy, r.from)})`;
  const lines = [
    ...r.rows.map((s) => statsLine(label(s.severity), s)),
    statsLine('All', r.total),
    'MTTA: declared → first acknowledgement. MTTM: declared → mitigated. MTTR: declared → resolved. Postmortems on time: done by the due date, of those done or past due.',
  ];
  return { title, lines, text: [title, ...lines].join('\n') };
}
