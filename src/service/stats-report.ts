// `stats [30d]`: runbook 003's KPIs by severity for the incidents declared in a window, and the
// text for chat. `statsReport` is the structured form, for anything that wants JSON. The figures
// are the ones domain/stats.ts defines, aggregated by SQLite: a year of 100k incidents is never
// loaded into memory, and no list of ids is ever bound as parameters.
//
// A year of 100k incidents still took SQLite half a second to sum, so the history is summed a block
// of ids at a time (store/settled-blocks.ts) and a settled block (every id taken, none still open)
// is kept: what decides its figures never changes once an incident is resolved. Postmortem figures
// are the exception (a postmortem is opened and done after resolution, and "overdue" moves with the
// clock), so they are counted afresh on each call, from the few incidents that require one.
import { type SQL, sql } from 'drizzle-orm';
import { formatMs, type Duration } from '../domain/duration.js';
import { findSeverity, type Policy } from '../config/policy/index.js';
import type { SeverityStats } from '../domain/stats.js';
import type { Db, Tx } from '../store/db.js';
import { rawRows } from '../store/raw.js';
import { addInto, atOnce, BLOCK, eachTurn, lastIncidentId, openIncidentIds, type Pace, SUB_BLOCK, type Sums } from '../store/settled-blocks.js';
import { formatTime, severityLabel } from './incident-view.js';
import { ROLE_MISSED } from './role-grace.js';

export type StatsReport = { rows: SeverityStats[]; total: SeverityStats; from: Date; to: Date; window: string };

/** Per severity, the additive figures of a block's incidents, in this order. */
const FIGURES = 12;
const [INCIDENTS, RESOLVED, ACKNOWLEDGED, ACK_MS, MITIGATED, MITIGATE_MS, RESOLVE_MS, TARGETS_MISSED, ACK_MISSED, MITIGATE_MISSED, RESOLVE_MISSED, ROLES_MISSED] = Array.from({ length: FIGURES }, (_, i) => i);

type Block = { sums: Sums; firstDeclared: number; lastDeclared: number };

/** 1 when `cond` holds, else 0 (PostgreSQL has no max() of booleans). */
const flag = (cond: SQL) => sql`case when ${cond} then 1 else 0 end`;

/** Figures of incidents with first ≤ id ≤ last (and declared in [from, to) when a window is given). */
async function blockFigures(tx: Tx | Db, first: number, last: number, window?: { from: number; to: number }): Promise<Block> {
  const missed = (name: string) => `target_missed:${name}`;
  const rows = await rawRows(tx, sql`
    select i.severity, count(*), count(i.resolved_at), count(i.acknowledged_at), sum(i.acknowledged_at - i.declared_at),
      count(i.mitigated_at), sum(i.mitigated_at - i.declared_at), sum(i.resolved_at - i.declared_at), sum(i.targets_missed),
      sum(m.a), sum(m.m), sum(m.r), sum(m.roles), min(i.declared_at), max(i.declared_at)
    from incidents i
    left join (
      select incident_id, max(a) as a, max(m) as m, max(r) as r, sum(roles) as roles
      from (
        select incident_id, ${flag(sql`kind = ${missed('acknowledge')}`)} as a, ${flag(sql`kind = ${missed('mitigate')}`)} as m, ${flag(sql`kind = ${missed('resolve')}`)} as r, 0 as roles
        from timeline_events where kind like 'target_missed:%' and incident_id between ${first} and ${last}
        union all
        select incident_id, 0, 0, 0, 1
        from timeline_events where kind like ${sql.raw(`'${ROLE_MISSED}%'`)} and incident_id between ${first} and ${last}
      ) as missed
      group by incident_id
    ) m on m.incident_id = i.id
    where i.id between ${first} and ${last} ${window ? sql`and i.declared_at >= ${window.from} and i.declared_at < ${window.to}` : sql``}
    group by i.severity`);
  const sums: Sums = new Map();
  let firstDeclared = Infinity;
  let lastDeclared = -Infinity;
  for (const [severity, ...v] of rows) {
    sums.set(String(severity), v.slice(0, FIGURES).map((x) => Number(x ?? 0)));
    firstDeclared = Math.min(firstDeclared, Number(v[FIGURES]));
    lastDeclared = Math.max(lastDeclared, Number(v[FIGURES + 1]));
  }
  return { sums, firstDeclared, lastDeclared };
}

/** The blocks of one database kept between calls. */
export class StatsHistory {
  private readonly kept = new Map<number, Block>();

  constructor(private readonly size = BLOCK) {}

  /** Additive figures per severity of incidents declared in [from, to); yields after each block summed. */
  async figures(tx: Tx | Db, from: number, to: number, pace: Pace): Promise<Sums> {
    const last = await lastIncidentId(tx);
    const open = new Set((await openIncidentIds(tx)).map((id) => Math.floor((id - 1) / this.size)));
    const out: Sums = new Map();
    for (let b = 0; b * this.size < last; b++) {
      const first = b * this.size + 1;
      const end = first + this.size - 1;
      let kept = open.has(b) ? undefined : this.kept.get(b);
      if (!kept && !open.has(b) && end <= last) {
        kept = await this.settledFigures(tx, first, end, pace);
        this.kept.set(b, kept);
        await pace();
      }
      if (kept && (kept.lastDeclared < from || kept.firstDeclared >= to)) continue;
      if (kept && kept.firstDeclared >= from && kept.lastDeclared < to) {
        addInto(out, kept.sums);
        continue;
      }
      // Open incidents, a block still filling, or one the window's edge cuts through.
      addInto(out, (await blockFigures(tx, first, end, { from, to })).sums);
      await pace();
    }
    return out;
  }

  get keptBlocks(): number {
    return this.kept.size;
  }

  /**
   * A settled block's figures, read once (the warm-up reads every one): a quarter of a block per
   * turn when `pace` yields, so one turn stays a millisecond or two of SQLite work (smaller parts
   * cost more in all: this query's fixed cost is high).
   */
  private async settledFigures(tx: Tx | Db, first: number, end: number, pace: Pace): Promise<Block> {
    const part = this.size / 4;
    if (part < SUB_BLOCK || !Number.isInteger(part)) return await blockFigures(tx, first, end);
    const out: Block = { sums: new Map(), firstDeclared: Infinity, lastDeclared: -Infinity };
    for (let p = first; p <= end; p += part) {
      if (p > first) await pace();
      const figures = await blockFigures(tx, p, p + part - 1);
      addInto(out.sums, figures.sums);
      out.firstDeclared = Math.min(out.firstDeclared, figures.firstDeclared);
      out.lastDeclared = Math.max(out.lastDeclared, figures.lastDeclared);
    }
    return out;
  }
}

/** One StatsHistory per database connection (a transaction shares its connection's). */
const histories = new WeakMap<object, StatsHistory>();
function historyOf(tx: Tx | Db): StatsHistory {
  const session = (tx as unknown as { session: object }).session;
  let h = histories.get(session);
  if (!h) histories.set(session, (h = new StatsHistory()));
  return h;
}

/** Sums the settled history into the connection's StatsHistory, one block per event-loop turn. */
export async function warmStats(db: Db): Promise<void> {
  await historyOf(db).figures(db, 0, 0, eachTurn);
}

/** Postmortem figures per severity: required, on time, late, overdue, not yet due. */
async function postmortems(tx: Tx | Db, from: number, to: number, now: number): Promise<Sums> {
  const rows = await rawRows(tx, sql`
    select severity, count(*), count(*) filter (where postmortem_done_at <= postmortem_due_at), count(*) filter (where postmortem_done_at > postmortem_due_at),
      count(*) filter (where postmortem_done_at is null and ${now} > postmortem_due_at), count(*) filter (where postmortem_done_at is null and ${now} <= postmortem_due_at)
    from incidents
    where postmortem_due_at is not null and declared_at >= ${from} and declared_at < ${to}
    group by severity`);
  return new Map(rows.map(([severity, ...v]) => [String(severity), v.map((x) => Number(x ?? 0))]));
}

function severityStats(severity: string, f: number[] | undefined, pm: number[] | undefined): SeverityStats {
  const v = f ?? new Array<number>(FIGURES).fill(0);
  const [required, onTime, late, overdue, pending] = pm ?? [0, 0, 0, 0, 0];
  const mean = (sum: number, n: number) => (n ? sum / n : null);
  return {
    severity,
    incidents: v[INCIDENTS],
    open: v[INCIDENTS] - v[RESOLVED],
    acknowledged: v[ACKNOWLEDGED],
    resolved: v[RESOLVED],
    mttaMs: mean(v[ACK_MS], v[ACKNOWLEDGED]),
    mttmMs: mean(v[MITIGATE_MS], v[MITIGATED]),
    mttrMs: mean(v[RESOLVE_MS], v[RESOLVED]),
    targetsMissed: v[TARGETS_MISSED],
    acknowledgeMissed: v[ACK_MISSED],
    mitigateMissed: v[MITIGATE_MISSED],
    resolveMissed: v[RESOLVE_MISSED],
    rolesMissed: v[ROLES_MISSED],
    postmortemsRequired: required,
    postmortemsOnTime: onTime,
    postmortemsLate: late,
    postmortemsOverdue: overdue,
    postmortemsPending: pending,
  };
}

async function reportSteps(tx: Tx | Db, policy: Policy, now: Date, window: Extract<Duration, { kind: 'wall' }>, history: StatsHistory, pace: Pace): Promise<StatsReport> {
  const from = new Date(now.getTime() - window.ms);
  // The window includes an incident declared this very millisecond.
  const to = now.getTime() + 1;
  const found = await history.figures(tx, from.getTime(), to, pace);
  const pm = await postmortems(tx, from.getTime(), to, now.getTime());
  // Policy severities in order (most severe first), then any seen in the data but since removed.
  const ids = policy.severities.map((s) => s.id);
  const seen = [...found.keys()].filter((k) => !ids.includes(k) && (found.get(k)![INCIDENTS] > 0));
  const rows = [...ids, ...seen].map((severity) => severityStats(severity, found.get(severity), pm.get(severity)));
  const all: Sums = new Map();
  for (const [, v] of found) addInto(all, new Map([['all', v]]));
  const allPm: Sums = new Map();
  for (const [, v] of pm) addInto(allPm, new Map([['all', v]]));
  return { rows, total: severityStats('all', all.get('all'), allPm.get('all')), from, to: now, window: window.text };
}

/** Figures for incidents declared in the window up to `now`. */
export async function statsReport(tx: Tx | Db, policy: Policy, now: Date, window: Extract<Duration, { kind: 'wall' }>, history = historyOf(tx)): Promise<StatsReport> {
  return reportSteps(tx, policy, now, window, history, atOnce);
}

/** The same, summing one block per event-loop turn (HTTP), so a year of history never stalls Klaxon. */
export async function statsReportYielding(db: Db, policy: Policy, now: Date, window: Extract<Duration, { kind: 'wall' }>): Promise<StatsReport> {
  return await reportSteps(db, policy, now, window, historyOf(db), eachTurn);
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
