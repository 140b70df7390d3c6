// Business-hours arithmetic for response targets ("4 business hours", "3 business days").
// Pure: every instant is an argument. All wall-clock reasoning happens in the calendar's
// own time zone via luxon, so a business day is "09:00–17:00 local" even across DST changes.
import { DateTime } from 'luxon';
import type { Duration } from './duration.js';

export type Calendar = { timezone: string; days: string[]; start: string; end: string; holidays: string[] };

const HOUR_MS = 3_600_000;
// Upper bound on days scanned; stops a calendar with no usable days from looping forever.
const MAX_DAYS_SCANNED = 366 * 20;

const WEEKDAY_NUMBERS: Record<string, number> = {
  mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thur: 4, thurs: 4,
  thursday: 4, fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
};

/** luxon weekday number (1 = Monday … 7 = Sunday) for "mon"/"Monday"/…; undefined if unknown. */
export function weekdayNumber(name: string): number | undefined {
  return WEEKDAY_NUMBERS[name.trim().toLowerCase()];
}

/** "09:00" -> minutes after midnight; "24:00" is allowed so a day can end at midnight. */
export function parseClock(text: string): number {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) throw new Error(`bad time of day "${text}" (expected HH:MM)`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 24 * 60) throw new Error(`bad time of day "${text}"`);
  return minutes;
}

type Resolved = { zone: string; days: Set<number>; startMin: number; endMin: number; holidays: Set<string> };

/** One business day: its interval (null when closed) and the next local midnight. */
type DayEntry = { iv: { start: number; end: number } | null; next: number };
type Cached = Resolved & { dayCache: Map<number, DayEntry>; lastDay?: { midnight: number; next: number } };

// Deadlines are computed on every declaration, update and fired timer: a calendar is resolved
// once, and each local day's business interval computed once (zoned luxon dates are the cost).
const resolvedCalendars = new WeakMap<Calendar, Cached>();
const MAX_CACHED_DAYS = 4000;

function resolve(cal: Calendar): Cached {
  let r = resolvedCalendars.get(cal);
  if (!r) {
    r = { ...resolveUncached(cal), dayCache: new Map() };
    resolvedCalendars.set(cal, r);
  }
  return r;
}

/** The business day starting at local midnight `midnight` (epoch ms), computed once. */
function dayAt(r: Cached, midnight: number): DayEntry {
  let e = r.dayCache.get(midnight);
  if (!e) {
    const day = DateTime.fromMillis(midnight, { zone: r.zone });
    e = { iv: intervalOn(day, r), next: day.plus({ days: 1 }).toMillis() };
    if (r.dayCache.size >= MAX_CACHED_DAYS) r.dayCache.clear();
    r.dayCache.set(midnight, e);
  }
  return e;
}

/** Local midnight starting the day of `t`; the last day asked about is remembered (a declaration asks about the same day several times). */
function midnightOf(t: number, r: Cached): number {
  const last = r.lastDay;
  if (last && t >= last.midnight && t < last.next) return last.midnight;
  const midnight = DateTime.fromMillis(t, { zone: r.zone }).startOf('day').toMillis();
  r.lastDay = { midnight, next: dayAt(r, midnight).next };
  return midnight;
}

function resolveUncached(cal: Calendar): Resolved {
  const startMin = parseClock(cal.start);
  const endMin = parseClock(cal.end);
  // Overnight business hours are not supported; refuse rather than compute nonsense.
  if (endMin <= startMin) throw new Error(`business hours end ${cal.end} is not after start ${cal.start}`);
  if (!DateTime.local().setZone(cal.timezone).isValid) throw new Error(`unknown time zone "${cal.timezone}"`);
  const days = new Set<number>();
  for (const d of cal.days) {
    const n = weekdayNumber(d);
    if (n !== undefined) days.add(n);
  }
  return { zone: cal.timezone, days, startMin, endMin, holidays: new Set(cal.holidays.map((h) => h.trim())) };
}

/** Local wall time `minutes` after midnight on `day`'s date, in the zone (luxon resolves DST gaps forward). */
function atMinutes(day: DateTime, minutes: number, zone: string): DateTime {
  const base = DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone });
  if (minutes >= 24 * 60) return base.plus({ days: 1 });
  return DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone },
  );
}

/** The business interval [start, end) on `day`'s local date, or null when that date is not a business day. */
function intervalOn(day: DateTime, r: Resolved): { start: number; end: number } | null {
  if (!r.days.has(day.weekday) || r.holidays.has(day.toISODate() ?? '')) return null;
  return { start: atMinutes(day, r.startMin, r.zone).toMillis(), end: atMinutes(day, r.endMin, r.zone).toMillis() };
}

export function isBusinessTime(at: Date, cal: Calendar): boolean {
  const r = resolve(cal);
  const t = at.getTime();
  const { iv } = dayAt(r, midnightOf(t, r));
  return iv !== null && t >= iv.start && t < iv.end;
}

/** Nominal length of one business day in ms (end − start). Used to turn business days into hours. */
export function businessHoursLength(cal: Calendar): number {
  const r = resolve(cal);
  return (r.endMin - r.startMin) * 60_000;
}

/** Earliest instant at or after `at` that is business time (`at` itself when already inside business hours). */
export function nextBusinessStart(at: Date, cal: Calendar): Date {
  const r = resolve(cal);
  const t = at.getTime();
  let midnight = midnightOf(t, r);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    const { iv, next } = dayAt(r, midnight);
    if (iv && t < iv.end) return new Date(Math.max(t, iv.start));
    midnight = next;
  }
  throw new Error('calendar has no business days');
}

/**
 * Walk forward from `start`, consuming only business time. N business days are N × the
 * nominal day length in business hours, so "3 business days" from Friday 16:00 is Wednesday 16:00.
 * Landing exactly on closing time returns closing time (a deadline of "Friday 17:00"), not the next opening.
 */
export function addBusinessTime(start: Date, d: { unit: 'hours' | 'days'; amount: number }, cal: Calendar): Date {
  const r = resolve(cal);
  let remaining = d.unit === 'days' ? d.amount * (r.endMin - r.startMin) * 60_000 : d.amount * HOUR_MS;
  const t0 = start.getTime();
  if (!(remaining > 0)) return new Date(t0);
  let midnight = midnightOf(t0, r);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    const { iv, next } = dayAt(r, midnight);
    midnight = next;
    if (!iv || t0 >= iv.end) continue;
    const from = Math.max(t0, iv.start);
    const available = iv.end - from;
    if (remaining <= available) return new Date(from + remaining);
    remaining -= available;
  }
  throw new Error('calendar has no business days');
}

/**
 * "end of business day" / "next business day" / "by 17:00 on the next business day".
 * `this`: the close of the business day `start` falls in, or of the next business day when
 * `start` is after closing or on a day off. `next`: the first business day whose date is after
 * `start`'s local date (Monday 08:00 → Tuesday), at closing time or at `at`.
 */
export function calendarDeadline(start: Date, d: { day: 'this' | 'next'; at?: string }, cal: Calendar): Date {
  const r = resolve(cal);
  const t0 = start.getTime();
  let day = DateTime.fromMillis(t0, { zone: r.zone }).startOf('day');
  if (d.day === 'next') day = day.plus({ days: 1 });
  for (let i = 0; i < MAX_DAYS_SCANNED; i++, day = day.plus({ days: 1 })) {
    const iv = intervalOn(day, r);
    if (!iv || (d.day === 'this' && t0 >= iv.end)) continue;
    return new Date(d.at ? atMinutes(day, parseClock(d.at), r.zone).toMillis() : iv.end);
  }
  throw new Error('calendar has no business days');
}

/**
 * Fixed update times ("10:00", "16:00") on business days (`businessDaysOnly`) or every day: the
 * first such instant strictly after `after`, in the calendar's time zone.
 */
export function nextFixedTime(after: Date, times: readonly string[], businessDaysOnly: boolean, cal: Calendar): Date {
  const r = resolve(cal);
  const t0 = after.getTime();
  const minutes = [...times].map(parseClock).sort((a, b) => a - b);
  if (minutes.length === 0) throw new Error('no fixed times given');
  let day = DateTime.fromMillis(t0, { zone: r.zone }).startOf('day');
  for (let i = 0; i < MAX_DAYS_SCANNED; i++, day = day.plus({ days: 1 })) {
    if (businessDaysOnly && !intervalOn(day, r)) continue;
    for (const m of minutes) {
      const at = atMinutes(day, m, r.zone).toMillis();
      if (at > t0) return new Date(at);
    }
  }
  throw new Error('calendar has no business days');
}

/** The first fixed time at or after `at` (the slot an update posted at `at` counts for). */
export function fixedTimeCovering(at: Date, times: readonly string[], businessDaysOnly: boolean, cal: Calendar): Date {
  return nextFixedTime(new Date(at.getTime() - 1), times, businessDaysOnly, cal);
}

/** Deadline after a policy duration: wall-clock durations ignore the calendar, business ones use it. */
export function addDuration(start: Date, d: Duration, cal: Calendar): Date {
  if (d.kind === 'wall') return new Date(start.getTime() + d.ms);
  if (d.kind === 'calendar') return calendarDeadline(start, d, cal);
  return addBusinessTime(start, d, cal);
}
