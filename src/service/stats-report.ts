// `stats [30d]`: runbook 003's KPIs by severity for the incidents declared in a window, and the
// text for chat. `statsReport` is the structured form, for anything that wants JSON. The figures
// are the ones domain/stats.ts defines, aggregated by SQLite in one pass over the window: a year
// of 100k incidents is never loaded into memory, and no list of ids is ever bound as parameters.
import { sql } from 'drizzle-orm';
import { formatMs, type Duration } from '../domain/duration.js';
import { findSeverity, type Policy } from '../config/policy/index.js';
import type { SeverityStats } from '../domain/stats.js';
import type { Db, Tx } from '../store/db.js';
import { formatTime, severityLabel } from './incident-view.js';
import { ROLE_MISSED } from './role-grace.js';

export type StatsReport = { rows: SeverityStats[]; total: SeverityStats; from: Date; to: Date; window: string };

type Row = Omit<SeverityStats, 'severity'> & { severity: string | null };

/** One row per severity (and one for all when `bySeverity` is false) of incidents declared in [from, to). */
function aggregate(tx: Tx | Db, from: number, to: number, now: number, bySeverity: boolean): Row[] {
  const missed = (name: string) =>
    sql`sum(exists (select 1 from timeline_events e where e.incident_id = i.id and e.kind like 'target_missed:%' and e.kind = ${`target_missed:${name}`}))`;
  return tx.all<Row>(sql`
    select ${bySeverity ? sql`i.severity` : sql`null`} as severity,
      count(*) as incidents,
      count(*) - count(i.resolved_at) as open,
      count(i.acknowledged_at) as acknowledged,
      count(i.resolved_at) as resolved,
      avg(i.acknowledged_at - i.declared_at) as mttaMs,
      avg(i.mitigated_at - i.declared_at) as mttmMs,
      avg(i.resolved_at - i.declared_at) as mttrMs,
      coalesce(sum(i.targets_missed), 0) as targetsMissed,
      coalesce(${missed('acknowledge')}, 0) as acknowledgeMissed,
      coalesce(${missed('mitigate')}, 0) as mitigateMissed,
      coalesce(${missed('resolve')}, 0) as resolveMissed,
      coalesce(sum((select count(*) from timeline_events e where e.incident_id = i.id and e.kind like ${`${ROLE_MISSED}%`})), 0) as rolesMissed,
      count(i.postmortem_due_at) as postmortemsRequired,
      coalesce(sum(i.postmortem_done_at <= i.postmortem_due_at), 0) as postmortemsOnTime,
      coalesce(sum(i.postmortem_done_at > i.postmortem_due_at), 0) as postmortemsLate,
      coalesce(sum(i.postmortem_done_at is null and ${now} > i.postmortem_due_at), 0) as postmortemsOverdue,
      coalesce(sum(i.postmortem_done_at is null and ${now} <= i.postmortem_due_at), 0) as postmortemsPending
    from incidents i
    where i.declared_at >= ${from} and i.declared_at < ${to}
    ${bySeverity ? sql`group by i.severity` : sql``}`);
}

const EMPTY: Omit<SeverityStats, 'severity'> = {
  incidents: 0, open: 0, acknowledged: 0, resolved: 0, mttaMs: null, mttmMs: null, mttrMs: null, targetsMissed: 0, acknowledgeMissed: 0, mitigateMissed: 0, resolveMissed: 0, rolesMissed: 0,
  postmortemsRequired: 0, postmortemsOnTime: 0, postmortemsLate: 0, postmortemsOverdue: 0, postmortemsPending: 0,
};

/** Figures for incidents declared in the window up to `now`. */
export function statsReport(tx: Tx | Db, policy: Policy, now: Date, window: Extract<Duration, { kind: 'wall' }>): StatsReport {
  const from = new Date(now.getTime() - window.ms);
  // The window includes an incident declared this very millisecond.
  const to = now.getTime() + 1;
  const found = new Map(aggregate(tx, from.getTime(), to, now.getTime(), true).map((r) => [r.severity!, r]));
  // Policy severities in order (most severe first), then any seen in the data but since removed.
  const ids = policy.severities.map((s) => s.id);
  const rows = [...ids, ...[...found.keys()].filter((k) => !ids.includes(k))].map((severity) => ({ ...EMPTY, ...found.get(severity), severity }));
  const [all] = aggregate(tx, from.getTime(), to, now.getTime(), false);
  return { rows, total: { ...EMPTY, ...all, severity: 'all' }, from, to: now, window: window.text };
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
