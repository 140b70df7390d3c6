// Durations as runbooks write them: "15m", "1h30m", "2 days", "4 business hours".
// Business durations are kept symbolic (unit + amount) because their length depends on
// the policy's calendar; only domain/business-time.ts turns them into instants.

export type Duration =
  | { kind: 'wall'; ms: number; text: string }
  | { kind: 'business'; unit: 'hours' | 'days'; amount: number; text: string };

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
