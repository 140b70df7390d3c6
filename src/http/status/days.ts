// The 90-day history strip: one bar per calendar day in the policy's time zone, coloured by the
// worst severity of any public incident that was open at some point that day. Pure.
import { DateTime } from 'luxon';

export const HISTORY_DAYS = 90;

export type DaySpan = { number: number; severityRank: number; declaredAt: Date; resolvedAt: Date | null };
export type Day = { date: string; start: Date; end: Date; worstRank: number | null; incidents: number[] };

/** Midnight that starts the oldest day shown, in the policy zone. */
export function historyStart(now: Date, timezone: string, days = HISTORY_DAYS): Date {
  return DateTime.fromJSDate(now).setZone(timezone).startOf('day').minus({ days: days - 1 }).toJSDate();
}

export function dayBars(spans: DaySpan[], now: Date, timezone: string, days = HISTORY_DAYS): Day[] {
  const today = DateTime.fromJSDate(now).setZone(timezone).startOf('day');
  // Day arithmetic in the zone keeps 23- and 25-hour DST days whole.
  const starts = Array.from({ length: days }, (_, k) => today.minus({ days: days - 1 - k }));
  const s = starts.map((d) => d.toMillis());
  const e = starts.map((d) => d.plus({ days: 1 }).toMillis());
  const worst: (number | null)[] = starts.map(() => null);
  const hits: number[][] = starts.map(() => []);
  // Each span marks the run of days it overlaps (found by binary search), rather than every day
  // looking at every span: at 100k incidents a year the 90-day window holds thousands of them.
  for (const x of spans) {
    const declared = x.declaredAt.getTime();
    if (declared > now.getTime()) continue;
    const until = (x.resolvedAt ?? now).getTime();
    // Day k is hit when declared < e[k] and until >= s[k].
    for (let k = firstIndex(e, (end) => end > declared); k < days && s[k] <= until; k++) {
      hits[k].push(x.number);
      if (worst[k] === null || x.severityRank < worst[k]!) worst[k] = x.severityRank;
    }
  }
  return starts.map((start, k) => ({
    date: start.toISODate()!,
    start: start.toJSDate(),
    end: new Date(e[k]),
    worstRank: worst[k],
    incidents: hits[k].sort((a, b) => a - b),
  }));
}

/** First index of an ascending array where `ok` holds (ok is false, then true), or its length. */
function firstIndex(sorted: number[], ok: (v: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(sorted[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
