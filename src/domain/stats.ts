// Runbook 003's KPIs over a window: mean time to acknowledge, to mitigate and to resolve by severity, targets
// missed, and how many required postmortems were completed on time. Pure: rows and `now` in,
// figures out. An incident counts in the window its declaration falls in.

export type IncidentFacts = {
  severity: string;
  declaredAt: Date;
  acknowledgedAt: Date | null;
  /** Absent in callers that predate the mitigate target; treated as not mitigated. */
  mitigatedAt?: Date | null;
  resolvedAt: Date | null;
  /** Targets this incident missed (incidents.targets_missed). */
  targetsMissed: number;
  /** Which ones, when known (from the timeline); used only for the breakdown. */
  missedTargets?: readonly string[];
  /** Required roles nobody held when the grace ran out (`role_missed:<role>` on the timeline). */
  missedRoles?: readonly string[];
  /** Set when a postmortem was required (or opened on request): that is what makes it count. */
  postmortemDueAt: Date | null;
  postmortemDoneAt: Date | null;
};

export type SeverityStats = {
  severity: string;
  incidents: number;
  open: number;
  acknowledged: number;
  resolved: number;
  /** Mean of declared → first acknowledgement, over acknowledged incidents; null when none. */
  mttaMs: number | null;
  /** Mean of declared → mitigated (runbook 002's "stabilized"), over mitigated incidents; null when none. */
  mttmMs: number | null;
  /** Mean of declared → resolved, over resolved incidents; null when none. */
  mttrMs: number | null;
  targetsMissed: number;
  acknowledgeMissed: number;
  mitigateMissed: number;
  resolveMissed: number;
  /** Required roles left empty past their grace, one per role and incident. */
  rolesMissed: number;
  postmortemsRequired: number;
  /** Done by the due date. */
  postmortemsOnTime: number;
  /** Done after the due date. */
  postmortemsLate: number;
  /** Not done and past due. */
  postmortemsOverdue: number;
  /** Not done and not yet due: neither on time nor late yet. */
  postmortemsPending: number;
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function summarize(severity: string, mine: IncidentFacts[], now: Date): SeverityStats {
  const acks = mine.filter((r) => r.acknowledgedAt).map((r) => r.acknowledgedAt!.getTime() - r.declaredAt.getTime());
  const mitigations = mine.filter((r) => r.mitigatedAt).map((r) => r.mitigatedAt!.getTime() - r.declaredAt.getTime());
  const fixes = mine.filter((r) => r.resolvedAt).map((r) => r.resolvedAt!.getTime() - r.declaredAt.getTime());
  const required = mine.filter((r) => r.postmortemDueAt);
  const count = (pred: (r: IncidentFacts) => boolean) => required.filter(pred).length;
  const missedOf = (name: string) => mine.filter((r) => r.missedTargets?.includes(name)).length;
  return {
    severity,
    incidents: mine.length,
    open: mine.length - fixes.length,
    acknowledged: acks.length,
    resolved: fixes.length,
    mttaMs: mean(acks),
    mttmMs: mean(mitigations),
    mttrMs: mean(fixes),
    targetsMissed: mine.reduce((n, r) => n + r.targetsMissed, 0),
    acknowledgeMissed: missedOf('acknowledge'),
    mitigateMissed: missedOf('mitigate'),
    resolveMissed: missedOf('resolve'),
    rolesMissed: mine.reduce((n, r) => n + (r.missedRoles?.length ?? 0), 0),
    postmortemsRequired: required.length,
    postmortemsOnTime: count((r) => !!r.postmortemDoneAt && r.postmortemDoneAt <= r.postmortemDueAt!),
    postmortemsLate: count((r) => !!r.postmortemDoneAt && r.postmortemDoneAt > r.postmortemDueAt!),
    postmortemsOverdue: count((r) => !r.postmortemDoneAt && now > r.postmortemDueAt!),
    postmortemsPending: count((r) => !r.postmortemDoneAt && now <= r.postmortemDueAt!),
  };
}

const inWindow = (rows: IncidentFacts[], from: Date, to: Date) => rows.filter((r) => r.declaredAt >= from && r.declaredAt < to);

/**
 * Incidents declared in [from, to), one row per severity in the given order (most severe first),
 * then any severity seen in the data but no longer in the policy. `now` (default `to`) decides
 * whether an unfinished postmortem is overdue or still pending.
 */
export function computeStats(rows: IncidentFacts[], severityOrder: string[], from: Date, to: Date, now: Date = to): SeverityStats[] {
  const mine = inWindow(rows, from, to);
  const order = [...severityOrder];
  for (const r of mine) if (!order.includes(r.severity)) order.push(r.severity);
  return order.map((s) => summarize(s, mine.filter((r) => r.severity === s), now));
}

/** The same figures over every severity at once (severity "all"). */
export function computeTotal(rows: IncidentFacts[], from: Date, to: Date, now: Date = to): SeverityStats {
  return summarize('all', inWindow(rows, from, to), now);
}
