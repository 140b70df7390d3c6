// Durations as runbooks write them: "15m", "1h30m", "2 days", "4 business hours", and the
// calendar deadlines "end of business day", "next business day", "by 17:00 on the next business day".
// Business and calendar durations are kept symbolic because their length depends on the
// policy's calendar; only domain/business-time.ts turns them into instants.

export type Duration =
  | { kind: 'wall'; ms: number; text: string }
  | { kind: 'business'; unit: 'hours' | 'days'; amount: number; text: string }
  /**
   * A deadline on a business day rather than a length: `day: 'this'` is the close of the business
   * day it starts in (the next one when it starts after hours), `day: 'next'` the business day
   * after the start's date. `at` ("HH:MM") replaces the close with a time of day.
   */
  | { kind: 'calendar'; day: 'this' | 'next'; at?: string; text: string };

/** What check-policy and command errors list as the accepted forms. */
export const DURATION_FORMS =
  '15m, 4h, 2d (wall clock); 4 business hours, 3 business days; end of business day; next business day; by 17:00 on the next business day';

// "end of business day", "end of the business day", "end of day", "EOD".
const END_OF_DAY = /^(?:by\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:business\s+)?day|eod|close\s+of\s+business|cob)$/;
// "next business day", "end of the next business day", "by the end of the next business day".
const NEXT_DAY = /^(?:by\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?next\s+business\s+day$/;
// "by 17:00 on the next business day", "17:00 next business day", "next business day at 10:00".
const NEXT_DAY_AT = /^(?:by\s+)?(\d{1,2}:\d{2})\s+(?:on\s+)?(?:the\s+)?next\s+business\s+day$|^(?:the\s+)?next\s+business\s+day\s+(?:at|by)\s+(\d{1,2}:\d{2})$/;

function clockText(t: string): string | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}

function parseCalendar(s: string, original: string): Duration | null | undefined {
  const words = s.replace(/\s+/g, ' ');
  if (END_OF_DAY.test(words)) return { kind: 'calendar', day: 'this', text: original };
  if (NEXT_DAY.test(words)) return { kind: 'calendar', day: 'next', text: original };
  const at = NEXT_DAY_AT.exec(words);
  if (at) {
    const clock = clockText(at[1] ?? at[2]);
    return clock ? { kind: 'calendar', day: 'next', at: clock, text: original } : null;
  }
  return undefined;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

// Every spelling a person is likely to type for each wall-clock unit.
const WALL_UNITS: Record<string, number> = {
  s: SECOND, sec: SECOND, secs: SECOND, second: SECOND, seconds: SECOND,
  m: MINUTE, min: MINUTE, mins: MINUTE, minute: MINUTE, minutes: MINUTE,
  h: HOUR, hr: HOUR, hrs: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: WEEK, wk: WEEK, wks: WEEK, week: WEEK, weeks: WEEK,
};

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const BUSINESS = new RegExp(String.raw`^${NUMBER}\s*business\s+(hours?|hrs?|h|days?|d)$`);
// One "<amount><unit>" piece; a wall duration is one or more of these, optionally
// separated by spaces, commas or "and" ("1 hour 30 minutes", "1h, 30m").
const PIECE = new RegExp(String.raw`${NUMBER}\s*([a-z]+)(?:\s*,\s*|\s+and\s+|\s+)?`, 'y');

export function parseDuration(text: string): Duration | null {
  if (typeof text !== 'string') return null;
  const original = text.trim();
  const s = original.toLowerCase();
  if (s === '') return null;

  const calendar = parseCalendar(s, original);
  if (calendar !== undefined) return calendar;

  const business = BUSINESS.exec(s);
  if (business) {
    const amount = Number(business[1]);
    if (!(amount > 0) || !Number.isFinite(amount)) return null;
    const unit = business[2].startsWith('d') ? 'days' : 'hours';
    return { kind: 'business', unit, amount, text: original };
  }

  let ms = 0;
  PIECE.lastIndex = 0;
  while (PIECE.lastIndex < s.length) {
    const at = PIECE.lastIndex;
    const m = PIECE.exec(s);
    if (!m || m.index !== at) return null;
    const unit = WALL_UNITS[m[2]];
    if (unit === undefined) return null;
    ms += Number(m[1]) * unit;
  }
  ms = Math.round(ms);
  if (!(ms > 0) || !Number.isFinite(ms)) return null;
  return { kind: 'wall', ms, text: original };
}

/** Human-readable length for messages: 5400000 -> "1h 30m", 90000 -> "1m 30s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  // Seconds are the finest grain anyone reads in an incident channel.
  let rest = Math.floor(Math.abs(ms) / SECOND);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.length === 0 ? '0s' : sign + parts.join(' ');
}
