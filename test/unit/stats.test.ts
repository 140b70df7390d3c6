// computeStats on hand-made rows; every expected figure is worked out in the comments.
import { describe, expect, it } from 'vitest';
import { computeStats, computeTotal, type IncidentFacts } from '../../src/domain/stats.js';
import { statsLine } from '../../src/service/stats-report.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => new Date(iso);

function row(severity: string, declared: string, o: Partial<IncidentFacts> & { ackMin?: number; mitigateMin?: number; resolveMin?: number } = {}): IncidentFacts {
  const declaredAt = at(declared);
  return {
    severity,
    declaredAt,
    acknowledgedAt: o.ackMin === undefined ? null : new Date(declaredAt.getTime() + o.ackMin * MIN),
    mitigatedAt: o.mitigateMin === undefined ? null : new Date(declaredAt.getTime() + o.mitigateMin * MIN),
    resolvedAt: o.resolveMin === undefined ? null : new Date(declaredAt.getTime() + o.resolveMin * MIN),
    targetsMissed: o.targetsMissed ?? 0,
    missedTargets: o.missedTargets ?? [],
    postmortemDueAt: o.postmortemDueAt ?? null,
    postmortemDoneAt: o.postmortemDoneAt ?? null,
  };
}

// Window: March 2026, [from, to); `now` is the end of it.
const from = at('2026-03-01T00:00:00Z');
const to = at('2026-03-31T00:00:00Z');
const rows: IncidentFacts[] = [
  // A: ack 5m, mitigated 30m, resolved 2h, postmortem done a day early → on time.
  row('sev1', '2026-03-02T10:00:00Z', { ackMin: 5, mitigateMin: 30, resolveMin: 120, postmortemDueAt: at('2026-03-05T12:00:00Z'), postmortemDoneAt: at('2026-03-04T12:00:00Z') }),
  // B: ack 20m, mitigated 1h30m, resolved 5h, missed three targets, postmortem done three days late.
  row('sev1', '2026-03-10T10:00:00Z', { ackMin: 20, mitigateMin: 90, resolveMin: 300, targetsMissed: 3, missedTargets: ['acknowledge', 'mitigate', 'resolve'], postmortemDueAt: at('2026-03-13T15:00:00Z'), postmortemDoneAt: at('2026-03-16T15:00:00Z') }),
  // C: ack 10m, resolved 1h, postmortem due 25th and not done by the 31st → overdue.
  row('sev1', '2026-03-20T10:00:00Z', { ackMin: 10, resolveMin: 60, postmortemDueAt: at('2026-03-25T12:00:00Z') }),
  // D: never acknowledged, resolved 30m, postmortem due in April → pending (neither on time nor late yet).
  row('sev1', '2026-03-29T10:00:00Z', { resolveMin: 30, postmortemDueAt: at('2026-04-01T12:00:00Z') }),
  // E: ack 30m, still open, missed its resolve target.
  row('sev2', '2026-03-15T10:00:00Z', { ackMin: 30, targetsMissed: 1, missedTargets: ['resolve'] }),
  // F: before the window.
  row('sev2', '2026-02-20T10:00:00Z', { ackMin: 1, resolveMin: 1 }),
  // G: exactly at `from` (included), with a severity no longer in the policy; resolved in 1h.
  row('sev9', '2026-03-01T00:00:00Z', { resolveMin: 60 }),
  // H: exactly at `to` (excluded).
  row('sev1', '2026-03-31T00:00:00Z', { ackMin: 1, resolveMin: 1 }),
];

describe('computeStats', () => {
  const table = computeStats(rows, ['sev1', 'sev2', 'sev3'], from, to);
  const bySev = Object.fromEntries(table.map((s) => [s.severity, s]));

  it('sev1: MTTA over acknowledged incidents, MTTR over resolved ones', () => {
    const s = bySev.sev1;
    expect(s.incidents).toBe(4);
    expect(s.open).toBe(0);
    expect(s.acknowledged).toBe(3);
    // (5 + 20 + 10) / 3 = 11m 40s
    expect(s.mttaMs).toBe((11 * 60 + 40) * 1000);
    // (2h + 5h + 1h + 30m) / 4 = 8.5h / 4 = 2h 7m 30s
    expect(s.mttrMs).toBe(2 * HOUR + 7.5 * MIN);
    // Over the two mitigated ones only: (30m + 1h30m) / 2 = 1h
    expect(s.mttmMs).toBe(HOUR);
    expect([s.targetsMissed, s.acknowledgeMissed, s.mitigateMissed, s.resolveMissed]).toEqual([3, 1, 1, 1]);
    expect([s.postmortemsRequired, s.postmortemsOnTime, s.postmortemsLate, s.postmortemsOverdue, s.postmortemsPending]).toEqual([4, 1, 1, 1, 1]);
  });

  it('sev2: an open incident counts for MTTA but not MTTR; the earlier one is outside the window', () => {
    const s = bySev.sev2;
    expect([s.incidents, s.open, s.acknowledged, s.resolved]).toEqual([1, 1, 1, 0]);
    expect(s.mttaMs).toBe(30 * MIN);
    expect(s.mttrMs).toBeNull();
    expect([s.targetsMissed, s.acknowledgeMissed, s.resolveMissed]).toEqual([1, 0, 1]);
    expect(s.postmortemsRequired).toBe(0);
  });

  it('keeps every policy severity in order, then severities only the data knows', () => {
    expect(table.map((s) => s.severity)).toEqual(['sev1', 'sev2', 'sev3', 'sev9']);
    expect(bySev.sev3).toMatchObject({ incidents: 0, mttaMs: null, mttrMs: null, targetsMissed: 0 });
    expect(bySev.sev9).toMatchObject({ incidents: 1, mttaMs: null, mttrMs: HOUR });
  });

  it('the total is over every incident in the window', () => {
    const t = computeTotal(rows, from, to);
    expect([t.incidents, t.open, t.acknowledged, t.resolved]).toEqual([6, 1, 4, 5]);
    // (5 + 20 + 10 + 30) / 4 = 16m 15s
    expect(t.mttaMs).toBe(16.25 * MIN);
    // (2h + 5h + 1h + 30m + 1h) / 5 = 9.5h / 5 = 1h 54m
    expect(t.mttrMs).toBe(HOUR + 54 * MIN);
    expect(t.targetsMissed).toBe(4);
  });

  it('`now` decides overdue versus pending', () => {
    const early = computeStats(rows, ['sev1'], from, to, at('2026-03-24T00:00:00Z'))[0];
    // Before the 25th, C is not overdue yet.
    expect([early.postmortemsOverdue, early.postmortemsPending]).toEqual([0, 2]);
  });

  it('reads as one line per severity', () => {
    expect(statsLine('SEV1', bySev.sev1)).toBe(
      'SEV1: 4 incidents · MTTA 11m 40s · MTTM 1h · MTTR 2h 7m 30s · targets missed 3 (acknowledge 1, mitigate 1, resolve 1) · postmortems on time 1/3 (1 late, 1 overdue, 1 not yet due)',
    );
    expect(statsLine('SEV2', bySev.sev2)).toBe('SEV2: 1 incident (1 open) · MTTA 30m · MTTM — · MTTR — · targets missed 1 (acknowledge 0, resolve 1) · postmortems on time none required');
    expect(statsLine('SEV3', bySev.sev3)).toBe('SEV3: no incidents');
    // Nothing done or past due yet: no ratio to give.
    const pendingOnly = computeStats([rows[3]], ['sev1'], from, to)[0];
    expect(statsLine('SEV1', pendingOnly)).toBe('SEV1: 1 incident · MTTA — · MTTM — · MTTR 30m · targets missed 0 · postmortems on time none due yet (1 open)');
  });
});
