// Scalars of the policy file. Each turns a raw YAML value into a typed one or reports one
// readable message.
import { IANAZone, DateTime } from 'luxon';
import { z } from 'zod';
import { DURATION_FORMS, parseDuration, type Duration } from '../../domain/duration.js';

export type WallDuration = Extract<Duration, { kind: 'wall' }>;

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

type Parsed<T> = { ok: T } | { error: string };

export function scalar<T>(parse: (v: unknown) => Parsed<T>) {
  return z.unknown().transform((v, ctx): T => {
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required' });
      return z.NEVER;
    }
    const r = parse(v);
    if ('error' in r) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.ok;
  });
}

export const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? String(v) : JSON.stringify(v) ?? String(v));

export const text = scalar<string>((v) =>
  typeof v === 'string' && v.trim() !== '' ? { ok: v.trim() } : { error: `expected text, got ${show(v)}` });

// YAML is read with intAsBigInt, so an unquoted 18-digit Discord id arrives intact as a
// bigint instead of a rounded float; ids are kept as strings either way.
export const id = scalar<string>((v) => {
  if (typeof v === 'string' && v.trim() !== '') return { ok: v.trim() };
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return { ok: String(v) };
  return { error: `expected an id, got ${show(v)}` };
});

export const count = scalar<number>((v) => {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? { ok: n } : { error: `expected a whole number ≥ 0, got ${show(v)}` };
});

export const duration = scalar<Duration>((v) => {
  if (typeof v !== 'string') return { error: `${show(v)} is not a duration (give a unit; accepted: ${DURATION_FORMS})` };
  const d = parseDuration(v);
  return d ? { ok: d } : { error: `${show(v)} is not a duration (accepted: ${DURATION_FORMS})` };
});

// Escalation timers fire on the clock; "2 business hours" would silently stall a page overnight.
export const wallDuration = scalar<WallDuration>((v) => {
  if (typeof v !== 'string') return { error: `${show(v)} is not a duration (give a unit, e.g. 15m)` };
  const d = parseDuration(v);
  if (!d) return { error: `${show(v)} is not a duration` };
  if (d.kind !== 'wall') return { error: `${show(v)} is ${d.kind === 'calendar' ? 'a calendar deadline' : 'business time'}; this must be wall-clock (e.g. 15m)` };
  return { ok: d };
});

export const defaultDuration = (t: string): Duration => parseDuration(t) as Duration;

// "24:00" is allowed so business hours can end at midnight.
export const clock = scalar<string>((v) => {
  const m = typeof v === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(v.trim()) : null;
  if (!m || Number(m[2]) > 59 || Number(m[1]) * 60 + Number(m[2]) > 24 * 60) return { error: `${show(v)} is not a time of day (HH:MM)` };
  return { ok: `${m[1].padStart(2, '0')}:${m[2]}` };
});

export const date = scalar<string>((v) => {
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
  if (typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid) return { ok: s };
  return { error: `${show(v)} is not a date (YYYY-MM-DD)` };
});

const DAY_NAMES: Record<string, (typeof DAYS)[number]> = {
  mon: 'mon', monday: 'mon', tue: 'tue', tues: 'tue', tuesday: 'tue', wed: 'wed', wednesday: 'wed',
  thu: 'thu', thur: 'thu', thurs: 'thu', thursday: 'thu', fri: 'fri', friday: 'fri',
  sat: 'sat', saturday: 'sat', sun: 'sun', sunday: 'sun',
};
export const dayName = (v: string): (typeof DAYS)[number] | undefined => DAY_NAMES[v.trim().toLowerCase()];

export const day = scalar<(typeof DAYS)[number]>((v) => {
  const d = typeof v === 'string' ? dayName(v) : undefined;
  return d ? { ok: d } : { error: `${show(v)} is not a day (mon … sun)` };
});

export const timezone = scalar<string>((v) =>
  typeof v === 'string' && IANAZone.isValidZone(v) ? { ok: v } : { error: `${show(v)} is not an IANA time zone (e.g. Europe/London)` });

export const target = scalar<string>((v) =>
  typeof v === 'string' && /^(schedule|person):\S+$/.test(v.trim())
    ? { ok: v.trim() }
    : { error: `${show(v)} is not a target (use schedule:NAME or person:NAME)` });

export const permission = scalar<'anyone' | string[]>((v) => {
  if (v === 'anyone') return { ok: 'anyone' };
  if (Array.isArray(v) && v.every((g) => typeof g === 'string' && g.trim() !== '')) return { ok: v.map((g: string) => g.trim()) };
  return { error: `expected "anyone" or a list of group names, got ${show(v)}` };
});

export const list = <T extends z.ZodType>(item: T) => z.array(item);

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
