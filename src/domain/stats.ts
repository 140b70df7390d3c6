// Runbook 003's KPIs over a window: mean time to acknowledge and to resolve by severity, targets
// missed, and how many required postmortems were completed on time. Pure: rows in, figures out.

export type IncidentFacts = {
  severity: string;
  declaredAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  targetsMissed: number;
  postmortemDueAt: Date | null;
  postmortemDoneAt: Date | null;
};

export type SeverityStats = {
  severity: string;
  incidents: number;
  acknowledged: number;
  resolved: number;
  mttaMs: number | null;
  mttrMs: number | null;
  targetsMissed: number;
  postmortemsRequired: number;
  postmortemsOnTime: number;
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Incidents declared in [from, to), grouped in the given severity order. */
export function computeStats(rows: IncidentFacts[], severityOrder: string[], from: Date, to: Date): SeverityStats[] {
  const inWindow = rows.filter((r) => r.declaredAt >= from && r.declaredAt < to);
  return severityOrder.map((severity) => {
    const mine = inWindow.filter((r) => r.severity === severity);
    const acks = mine.filter((r) => r.acknowledgedAt).map((r) => r.acknowledgedAt!.getTime() - r.declaredAt.getTime());
    const fixes = mine.filter((r) => r.resolvedAt).map((r) => r.resolvedAt!.getTime() - r.declaredAt.getTime());
    const required = mine.filter((r) => r.postmortemDueAt);
    return {
      severity,
      incidents: mine.length,
      acknowledged: acks.length,
      resolved: fixes.length,
      mttaMs: mean(acks),
      mttrMs: mean(fixes),
      targetsMissed: mine.reduce((n, r) => n + r.targetsMissed, 0),
      postmortemsRequired: required.length,
      postmortemsOnTime: required.filter((r) => r.postmortemDoneAt && r.postmortemDoneAt <= r.postmortemDueAt!).length,
    };
  });
}
