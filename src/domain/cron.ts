// Next occurrence of a five-field cron expression ("0 8 * * 1-5") in a time zone. Enough for rota
// announcements; walking minute by minute in local time keeps DST right without cleverness.
import { DateTime } from 'luxon';

type Field = Set<number>;
export type CronSpec = { minute: Field; hour: Field; dom: Field; month: Field; dow: Field; domAny: boolean; dowAny: boolean };

const RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

function parseField(text: string, [lo, hi]: [number, number]): Field | null {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const step = m[4] ? Number(m[4]) : 1;
    const from = m[1] === '*' ? lo : Number(m[2]);
    const to = m[1] === '*' ? hi : m[3] ? Number(m[3]) : m[4] ? hi : from;
    if (from < lo || to > hi || from > to || step < 1) return null;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): CronSpec | null {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const fields = parts.map((p, i) => parseField(p, RANGES[i]));
  if (fields.some((f) => f === null)) return null;
  const [minute, hour, dom, month, dow] = fields as Field[];
  if (dow.has(7)) dow.add(0);
  return { minute, hour, dom, month, dow, domAny: parts[2] === '*', dowAny: parts[4] === '*' };
}

function dayMatches(c: CronSpec, t: DateTime): boolean {
  const dom = c.dom.has(t.day);
  const dow = c.dow.has(t.weekday % 7);
  // Cron's rule: when both day fields are restricted, either may match.
  if (!c.domAny && !c.dowAny) return dom || dow;
  return dom && dow;
}

/** The first matching minute strictly after `after`, or null within a year. */
export function nextCron(c: CronSpec, after: Date, timezone: string): Date | null {
  let t = DateTime.fromJSDate(after, { zone: timezone }).startOf('minute').plus({ minutes: 1 });
  const limit = t.plus({ years: 1 });
  while (t < limit) {
    if (!c.month.has(t.month)) t = t.plus({ months: 1 }).startOf('month');
    else if (!dayMatches(c, t)) t = t.plus({ days: 1 }).startOf('day');
    else if (!c.hour.has(t.hour)) t = t.plus({ hours: 1 }).startOf('hour');
    else if (!c.minute.has(t.minute)) t = t.plus({ minutes: 1 });
    else return t.toJSDate();
  }
  return null;
}
