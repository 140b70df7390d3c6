// Lookups used across the app.
import type { Calendar } from '../../domain/business-time.js';
import { findIn } from './names.js';
import type { Policy, Severity } from './validated.js';

/** Case-insensitive; matches an id or an alias ("Sev 1", "critical"). */
export function findSeverity(p: Policy, idOrAlias: string): Severity | undefined {
  return findIn(p.severities, idOrAlias);
}

/** The severity an incident gets when none is named: `default_severity` (resolved when the policy is read), else the least severe. */
export function defaultSeverity(p: Policy): Severity {
  return findSeverity(p, p.default_severity) ?? p.severities[p.severities.length - 1];
}

/** 0 = most severe (the file lists severities most severe first); -1 when unknown. */
export function severityRank(p: Policy, id: string): number {
  const s = findSeverity(p, id);
  return s ? p.severities.indexOf(s) : -1;
}

/** Every id and alias, for the command parser's severity prefix. */
export function severityNames(p: Policy): string[] {
  return p.severities.flatMap((s) => [s.id, ...s.aliases]);
}

// One Calendar object per policy, so business-time.ts can keep its resolved form and day cache.
const calendars = new WeakMap<Policy, Calendar>();

export function policyCalendar(p: Policy): Calendar {
  let cal = calendars.get(p);
  if (!cal) {
    const bh = p.business_hours;
    cal = Object.freeze({ timezone: p.timezone, days: Object.freeze([...bh.days]), start: bh.start, end: bh.end, holidays: Object.freeze([...bh.holidays]) }) as Calendar;
    calendars.set(p, cal);
  }
  return cal;
}
