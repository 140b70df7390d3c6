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
  const out: Day[] = [];
  for (let i = days - 1; i >= 0; i--) {
    // Day arithmetic in the zone keeps 23- and 25-hour DST days whole.
    const start = today.minus({ days: i });
    const end = start.plus({ days: 1 });
    const s = start.toMillis();
    const e = end.toMillis();
    const hits = spans.filter((x) => x.declaredAt.getTime() < e && (x.resolvedAt ?? now).getTime() >= s && x.declaredAt.getTime() <= now.getTime());
    out.push({
      date: start.toISODate()!,
      start: start.toJSDate(),
      end: end.toJSDate(),
      worstRank: hits.length ? Math.min(...hits.map((h) => h.severityRank)) : null,
      incidents: hits.map((h) => h.number).sort((a, b) => a - b),
    });
  }
  return out;
}
