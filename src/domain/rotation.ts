// Who is on call: rotations (weekly / daily / weekdays / monthly) plus overrides. Pure; time is an argument.
//
// Every hand-off is a local wall-clock time in the policy's time zone, built with luxon from
// calendar fields (never by adding 24h/168h of milliseconds), so a London rota handing off
// "mon 09:00" changes hands at 09:00 local on both sides of a DST change.
//
// Anchoring: shift 0 (members[0]) is the shift that contains the schedule's start date at the
// hand-off time, i.e. it begins at the last hand-off at or before `start` + hand-off time. A weekly
// rota starting on a Wednesday therefore gives members[0] that (partial) week; one starting on
// the hand-off day starts with members[0] at that hand-off. The rota is periodic in both
// directions: before shift 0 the order simply continues backwards (shift −1 is the last member),
// so a schedule whose start lies in the future still names someone rather than nobody.
import { DateTime } from 'luxon';
import { parseClock, weekdayNumber } from './business-time.js';

/** The rotations a schedule can have; the policy schema accepts these. */
export const ROTATIONS = ['weekly', 'daily', 'weekdays', 'monthly'] as const;

/** The rota fields of a policy schedule (the policy's Schedule has these and more). */
export type Schedule = { rotation: (typeof ROTATIONS)[number]; handoff: string; start: string; members: readonly string[] };

export type Override = { schedule: string; person: string; start: Date; end: Date };
export type OnCall = { person: string | null; since: Date; until: Date; override?: Override };

// A local calendar date as a day count (days since 1970-01-01); date arithmetic without DST.
type DayNum = number;

type Rota = {
  zone: string;
  rotation: Schedule['rotation'];
  handoffDay: number; // luxon weekday (weekly) or day of the month 1–28 (monthly)
  handoffMin: number; // minutes after local midnight
  anchor: DayNum; // date of shift 0's opening hand-off
};

const MAX_HANDOFFS_LISTED = 100_000;

function dayNumOf(dt: DateTime): DayNum {
  return Math.round(Date.UTC(dt.year, dt.month - 1, dt.day) / 86_400_000);
}

/** luxon weekday (1 = Mon … 7 = Sun) of a day number; 1970-01-01 was a Thursday. */
function weekdayOf(n: DayNum): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** Consecutive numbering of Mon–Fri dates (only meaningful for weekdays): counts weekdays between dates. */
function weekdayOrdinal(n: DayNum): number {
  const m = n - 4; // day 4 (1970-01-05) was a Monday
  const weeks = Math.floor(m / 7);
  return weeks * 5 + Math.min(m - weeks * 7, 5);
}

/** The hand-off instant (ms) on local date `n`. */
function handoffAt(n: DayNum, r: Rota): number {
  const d = new Date(n * 86_400_000);
  const base = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  if (r.handoffMin >= 24 * 60) return DateTime.fromObject(base, { zone: r.zone }).plus({ days: 1 }).toMillis();
  const hour = Math.floor(r.handoffMin / 60);
  return DateTime.fromObject({ ...base, hour, minute: r.handoffMin % 60 }, { zone: r.zone }).toMillis();
}

/** Calendar fields of a day number. */
function ymd(n: DayNum): { y: number; m: number; d: number } {
  const t = new Date(n * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const dayNum = (y: number, m: number, d: number): DayNum => Math.round(Date.UTC(y, m - 1, d) / 86_400_000);

function isHandoffDate(n: DayNum, r: Rota): boolean {
  if (r.rotation === 'daily') return true;
  if (r.rotation === 'monthly') return ymd(n).d === r.handoffDay;
  const wd = weekdayOf(n);
  if (r.rotation === 'weekdays') return wd <= 5;
  return wd === r.handoffDay;
}

/** Latest hand-off date on or before date `n` (n itself included). */
function handoffDateOnOrBefore(n: DayNum, r: Rota): DayNum {
  if (r.rotation === 'daily') return n;
  if (r.rotation === 'weekly') return n - ((weekdayOf(n) - r.handoffDay + 7) % 7);
  if (r.rotation === 'monthly') {
    const { y, m, d } = ymd(n);
    return d >= r.handoffDay ? dayNum(y, m, r.handoffDay) : dayNum(m === 1 ? y - 1 : y, m === 1 ? 12 : m - 1, r.handoffDay);
  }
  const wd = weekdayOf(n);
  return wd <= 5 ? n : n - (wd - 5); // Sat/Sun -> Friday
}

function nextHandoffDate(n: DayNum, r: Rota): DayNum {
  let m = n + 1;
  while (!isHandoffDate(m, r)) m++;
  return m;
}

function prevHandoffDate(n: DayNum, r: Rota): DayNum {
  return handoffDateOnOrBefore(n - 1, r);
}

/** Date of the hand-off that opened the shift covering instant `t`. */
function shiftDateAt(t: number, r: Rota): DayNum {
  const local = DateTime.fromMillis(t, { zone: r.zone });
  let n = handoffDateOnOrBefore(dayNumOf(local), r);
  // Before today's hand-off time we are still in the previous shift.
  if (t < handoffAt(n, r)) n = prevHandoffDate(n, r);
  return n;
}

/** Number of hand-offs from shift 0 to the shift opened on date `n` (negative before the anchor). */
function shiftIndex(n: DayNum, r: Rota): number {
  if (r.rotation === 'daily') return n - r.anchor;
  if (r.rotation === 'weekly') return Math.round((n - r.anchor) / 7);
  if (r.rotation === 'monthly') {
    const a = ymd(r.anchor);
    const b = ymd(n);
    return b.y * 12 + b.m - (a.y * 12 + a.m);
  }
  return weekdayOrdinal(n) - weekdayOrdinal(r.anchor);
}

/** "mon 09:00" (weekly), "1st 09:00" (monthly) or "09:00"; a weekly hand-off without a day defaults to Monday. */
function parseHandoff(text: string): { day: number; minutes: number } {
  const parts = text.trim().split(/\s+/);
  const clock = parts.pop() ?? '';
  const dayName = parts.join(' ');
  const dom = /^(\d{1,2})(?:st|nd|rd|th)?$/i.exec(dayName);
  if (dom) return { day: Number(dom[1]), minutes: parseClock(clock) };
  const day = dayName ? weekdayNumber(dayName) : 1;
  if (day === undefined) throw new Error(`bad hand-off day "${dayName}"`);
  return { day, minutes: parseClock(clock) };
}

function rotaOf(s: Schedule, timezone: string): Rota {
  const { day, minutes } = parseHandoff(s.handoff);
  const startDate = DateTime.fromISO(String(s.start), { zone: timezone });
  if (!startDate.isValid) throw new Error(`bad schedule start "${String(s.start)}" or time zone "${timezone}"`);
  const r: Rota = { zone: timezone, rotation: s.rotation, handoffDay: day, handoffMin: minutes, anchor: 0 };
  const startDay = dayNumOf(startDate);
  // Shift 0 is the one covering the start date at hand-off time.
  r.anchor = shiftDateAt(handoffAt(startDay, r), r);
  return r;
}

function memberFor(members: readonly string[], index: number): string | null {
  if (members.length === 0) return null;
  return members[((index % members.length) + members.length) % members.length];
}

/**
 * Who is on call at `at`. `overrides` should be this schedule's overrides (the caller filters by
 * name; a policy schedule does not know its own name). An override is active when
 * start <= at < end; when several are active the latest-starting one wins.
 * `until` is the next moment the answer can change: the next hand-off, an override's end, or
 * the start of a later override, whichever comes first.
 */
export function onCallAt(schedule: Schedule, at: Date, timezone: string, overrides: Override[] = []): OnCall {
  const r = rotaOf(schedule, timezone);
  const t = at.getTime();
  const shiftDate = shiftDateAt(t, r);
  const shiftStart = handoffAt(shiftDate, r);
  const shiftEnd = handoffAt(nextHandoffDate(shiftDate, r), r);
  const person = memberFor(schedule.members, shiftIndex(shiftDate, r));

  let active: Override | undefined;
  for (const o of overrides) {
    const s = o.start.getTime();
    if (s <= t && t < o.end.getTime() && (!active || s >= active.start.getTime())) active = o;
  }
  // A later override taking over before `until` changes the answer, so `until` stops there.
  let until = active ? Math.min(shiftEnd, active.end.getTime()) : shiftEnd;
  for (const o of overrides) {
    const s = o.start.getTime();
    if (s > t && s < until && o.end.getTime() > s) until = s;
  }
  if (!active) return { person, since: new Date(shiftStart), until: new Date(until) };
  return {
    person: active.person,
    since: new Date(Math.max(shiftStart, active.start.getTime())),
    until: new Date(until),
    override: active,
  };
}

/** Hand-off instants in (from, to], oldest first. Overrides do not create hand-offs. */
export function handoffsBetween(schedule: Schedule, from: Date, to: Date, timezone: string): Date[] {
  const r = rotaOf(schedule, timezone);
  const end = to.getTime();
  const out: Date[] = [];
  let n = shiftDateAt(from.getTime(), r);
  let last = handoffAt(n, r); // <= from, so not listed
  while (out.length < MAX_HANDOFFS_LISTED) {
    n = nextHandoffDate(n, r);
    const t = handoffAt(n, r);
    if (t > end) break;
    if (t > last) out.push(new Date(t)); // guard against a DST quirk producing a non-increasing instant
    last = Math.max(last, t);
  }
  return out;
}
