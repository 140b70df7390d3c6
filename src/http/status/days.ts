// The 90-day history strip: one bar per calendar day in the policy's time zone, coloured by the
// worst severity of any public incident that was open at some point that day. Pure.
import { DateTime } from 'luxon';

export const HISTORY_DAYS = 90;

export type DaySpan = { number: number; severityRank: number; declaredAt: Date; resolvedAt: Date | null };
export type Day = { date: string; start: Date; end: Date; worstRank: number | null; incidents: number[] };

/** The days shown: each one's date, and its start and end (epoch ms, end exclusive), oldest first. */
export type DayBounds = { dates: string[]; starts: number[]; ends: number[] };

// Zoned luxon day arithmetic costs 0.1–1 ms per step (Intl offsets), 270 steps for 90 days: one
// long turn of the event loop each time it ran. The same days serve every request of a day, so
// the last bounds of each zone are kept; when the day rolls over they shift by one day.
const kept = new Map<string, DayBounds>();

/** The `days` local days ending with today's, in `timezone`. */
export function dayBounds(now: Date, timezone: string, days = HISTORY_DAYS): DayBounds {
  const key = `${timezone} ${days}`;
  const last = kept.get(key);
  const t = now.getTime();
  if (last && t >= last.starts[days - 1] && t < last.ends[days - 1]) return last;
  const today = DateTime.fromJSDate(now).setZone(timezone).startOf('day');
  let b: DayBounds;
  if (last && today.toMillis() === last.ends[days - 1]) {
    // The next day: yesterday's 89 newest days, and today's.
    b = { dates: [...last.dates.slice(1), today.toISODate()!], starts: [...last.starts.slice(1), today.toMillis()], ends: [...last.ends.slice(1), today.plus({ days: 1 }).toMillis()] };
  } else {
    // Day arithmetic in the zone keeps 23- and 25-hour DST days whole.
    const starts = Array.from({ length: days }, (_, k) => today.minus({ days: days - 1 - k }));
    b = { dates: starts.map((d) => d.toISODate()!), starts: starts.map((d) => d.toMillis()), ends: starts.map((d) => d.plus({ days: 1 }).toMillis()) };
  }
  kept.set(key, b);
  return b;
}

/** Midnight that starts the oldest day shown, in the policy zone. */
export function historyStart(now: Date, timezone: string, days = HISTORY_DAYS): Date {
  return new Date(dayBounds(now, timezone, days).starts[0]);
}

export function dayBars(spans: Iterable<DaySpan>, now: Date, timezone: string, days = HISTORY_DAYS): Day[] {
  const { dates, starts: s, ends: e } = dayBounds(now, timezone, days);
  const worst: (number | null)[] = s.map(() => null);
  const hits: number[][] = s.map(() => []);
  // Each span marks the run of days it overlaps (found by binary search), rather than every day
  // looking at every span: at 100k incidents a year the 90-day window holds thousands of them.
  for (const x of spans) {
    const declared = x.declaredAt.getTime();
    if (declared > now.getTime()) continue;
    const until = (x.resolvedAt ?? now).getTime();
    // Day k is hit when declared < e[k] and until >= s[k].
    for (let k = firstEndAfter(e, declared); k < days && s[k] <= until; k++) {
      hits[k].push(x.number);
      if (worst[k] === null || x.severityRank < worst[k]!) worst[k] = x.severityRank;
    }
  }
  return dates.map((date, k) => ({
    date,
    start: new Date(s[k]),
    end: new Date(e[k]),
    worstRank: worst[k],
    incidents: hits[k].sort((a, b) => a - b),
  }));
}

/** First index of an ascending array whose value is > `t`, or its length. */
function firstEndAfter(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
