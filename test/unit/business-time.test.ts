import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  addBusinessTime,
  addDuration,
  businessHoursLength,
  isBusinessTime,
  nextBusinessStart,
  type Calendar,
} from '../../src/domain/business-time.js';
import { parseDuration } from '../../src/domain/duration.js';

const LONDON: Calendar = {
  timezone: 'Europe/London',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  holidays: [],
};

/** A local wall time in a zone as an instant. */
const local = (iso: string, zone = 'Europe/London'): Date => DateTime.fromISO(iso, { zone }).toJSDate();
const utc = (iso: string): Date => new Date(iso);
const hours = (amount: number) => ({ unit: 'hours' as const, amount });
const days = (amount: number) => ({ unit: 'days' as const, amount });

describe('addBusinessTime', () => {
  // 2026-01-09 is a Friday; London is on GMT (= UTC) in January.
  it('4 business hours from Friday 15:00 lands Monday 11:00', () => {
    expect(addBusinessTime(local('2026-01-09T15:00'), hours(4), LONDON)).toEqual(utc('2026-01-12T11:00:00Z'));
  });
  it('skips a holiday', () => {
    const cal = { ...LONDON, holidays: ['2026-01-12'] };
    expect(addBusinessTime(local('2026-01-09T15:00'), hours(4), cal)).toEqual(utc('2026-01-13T11:00:00Z'));
  });
  it('carries across a weekend from outside business hours', () => {
    expect(addBusinessTime(local('2026-01-10T10:00'), hours(1), LONDON)).toEqual(utc('2026-01-12T10:00:00Z'));
    expect(addBusinessTime(local('2026-01-09T16:30'), hours(1), LONDON)).toEqual(utc('2026-01-12T09:30:00Z'));
    // Before opening on a weekday counts from opening.
    expect(addBusinessTime(local('2026-01-07T06:00'), hours(2), LONDON)).toEqual(utc('2026-01-07T11:00:00Z'));
  });
  it('3 business days from Friday 16:00 is Wednesday 16:00', () => {
    expect(addBusinessTime(local('2026-01-09T16:00'), days(3), LONDON)).toEqual(utc('2026-01-14T16:00:00Z'));
  });
  it('1 business day from Monday 09:00 ends at Monday close, not Tuesday opening', () => {
    expect(addBusinessTime(local('2026-01-05T09:00'), days(1), LONDON)).toEqual(utc('2026-01-05T17:00:00Z'));
    expect(addBusinessTime(local('2026-01-09T15:00'), hours(2), LONDON)).toEqual(utc('2026-01-09T17:00:00Z'));
  });
  it('handles fractional hours and zero', () => {
    expect(addBusinessTime(local('2026-01-09T16:45'), hours(0.5), LONDON)).toEqual(utc('2026-01-12T09:15:00Z'));
    expect(addBusinessTime(local('2026-01-10T12:00'), hours(0), LONDON)).toEqual(local('2026-01-10T12:00'));
  });
  it('keeps 09:00–17:00 local across the spring DST weekend (2026-03-29)', () => {
    // Friday 15:00 GMT = 15:00Z; Monday 11:00 BST = 10:00Z.
    expect(addBusinessTime(local('2026-03-27T15:00'), hours(4), LONDON)).toEqual(utc('2026-03-30T10:00:00Z'));
  });
  it('keeps 09:00–17:00 local across the autumn DST weekend (2026-10-25)', () => {
    // Friday 15:00 BST = 14:00Z; Monday 11:00 GMT = 11:00Z.
    expect(addBusinessTime(local('2026-10-23T15:00'), hours(4), LONDON)).toEqual(utc('2026-10-26T11:00:00Z'));
    expect(addBusinessTime(local('2026-10-23T15:00'), hours(4), LONDON)).toEqual(local('2026-10-26T11:00'));
  });
  it('uses the calendar days and hours, in the calendar zone', () => {
    const ny: Calendar = { timezone: 'America/New_York', days: ['Monday', 'Wednesday'], start: '10:00', end: '14:00', holidays: [] };
    // Monday 2026-01-05 13:00 EST + 2h: 1h Monday, then Wednesday 10:00 + 1h = 11:00 EST = 16:00Z.
    expect(addBusinessTime(local('2026-01-05T13:00', 'America/New_York'), hours(2), ny)).toEqual(utc('2026-01-07T16:00:00Z'));
  });
  it('refuses a calendar with no business days instead of looping', () => {
    expect(() => addBusinessTime(local('2026-01-05T13:00'), hours(1), { ...LONDON, days: [] })).toThrow(/no business days/);
    expect(() => addBusinessTime(local('2026-01-05T13:00'), hours(1), { ...LONDON, end: '08:00' })).toThrow();
  });
});

describe('addDuration', () => {
  it('adds wall durations regardless of the calendar (48h across a DST change is 48 real hours)', () => {
    const d = { kind: 'wall' as const, ms: 48 * 3_600_000, text: '48h' };
    expect(addDuration(utc('2026-03-27T15:00:00Z'), d, LONDON)).toEqual(utc('2026-03-29T15:00:00Z'));
  });
  it('adds business durations on the calendar', () => {
    const d = { kind: 'business' as const, unit: 'days' as const, amount: 3, text: '3 business days' };
    expect(addDuration(local('2026-01-09T16:00'), d, LONDON)).toEqual(utc('2026-01-14T16:00:00Z'));
  });
});

describe('isBusinessTime', () => {
  it('is true inside opening hours on a business day, end exclusive', () => {
    expect(isBusinessTime(local('2026-01-05T09:00'), LONDON)).toBe(true);
    expect(isBusinessTime(local('2026-01-05T16:59'), LONDON)).toBe(true);
    expect(isBusinessTime(local('2026-01-05T17:00'), LONDON)).toBe(false);
    expect(isBusinessTime(local('2026-01-05T08:59'), LONDON)).toBe(false);
  });
  it('is false at weekends and on holidays', () => {
    expect(isBusinessTime(local('2026-01-10T12:00'), LONDON)).toBe(false);
    expect(isBusinessTime(local('2026-01-05T12:00'), { ...LONDON, holidays: ['2026-01-05'] })).toBe(false);
  });
  it('reads the local time in summer (BST)', () => {
    expect(isBusinessTime(utc('2026-07-01T08:30:00Z'), LONDON)).toBe(true); // 09:30 BST
    expect(isBusinessTime(utc('2026-07-01T16:30:00Z'), LONDON)).toBe(false); // 17:30 BST
    expect(isBusinessTime(utc('2026-07-01T13:30:00Z'), { ...LONDON, timezone: 'America/New_York' })).toBe(true); // 09:30 EDT
  });
});

describe('businessHoursLength and nextBusinessStart', () => {
  it('measures the business day', () => {
    expect(businessHoursLength(LONDON)).toBe(8 * 3_600_000);
    expect(businessHoursLength({ ...LONDON, start: '08:30', end: '18:00' })).toBe(9.5 * 3_600_000);
  });
  it('finds the next opening, or now when already open', () => {
    expect(nextBusinessStart(local('2026-01-10T12:00'), LONDON)).toEqual(utc('2026-01-12T09:00:00Z'));
    expect(nextBusinessStart(local('2026-01-09T17:00'), LONDON)).toEqual(utc('2026-01-12T09:00:00Z'));
    expect(nextBusinessStart(local('2026-01-07T11:00'), LONDON)).toEqual(local('2026-01-07T11:00'));
    expect(nextBusinessStart(local('2026-03-28T12:00'), LONDON)).toEqual(utc('2026-03-30T08:00:00Z'));
  });
});

describe('calendar deadlines (runbook words)', () => {
  const due = (text: string, from: Date, cal: Calendar = LONDON) => addDuration(from, parseDuration(text)!, cal);

  it('parses the words people write, and refuses a bad time of day', () => {
    expect(parseDuration('next business day')).toEqual({ kind: 'calendar', day: 'next', text: 'next business day' });
    expect(parseDuration('By the end of the next business day')).toMatchObject({ kind: 'calendar', day: 'next' });
    expect(parseDuration('end of business day')).toMatchObject({ kind: 'calendar', day: 'this' });
    expect(parseDuration('EOD')).toMatchObject({ kind: 'calendar', day: 'this' });
    expect(parseDuration('by 17:00 on the next business day')).toMatchObject({ kind: 'calendar', day: 'next', at: '17:00' });
    expect(parseDuration('next business day at 9:30')).toMatchObject({ kind: 'calendar', day: 'next', at: '09:30' });
    expect(parseDuration('by 25:00 on the next business day')).toBeNull();
    expect(parseDuration('next buisness day')).toBeNull();
  });

  // 2026-01-12 is a Monday (GMT).
  it('"next business day" from Monday 08:00 is Tuesday 17:00, where "1 business day" is Monday 17:00', () => {
    expect(due('next business day', local('2026-01-12T08:00'))).toEqual(utc('2026-01-13T17:00:00Z'));
    expect(due('1 business day', local('2026-01-12T08:00'))).toEqual(utc('2026-01-12T17:00:00Z'));
  });

  it('"next business day" skips the weekend and holidays', () => {
    expect(due('next business day', local('2026-01-09T16:00'))).toEqual(utc('2026-01-12T17:00:00Z')); // Fri → Mon
    expect(due('next business day', local('2026-01-10T11:00'))).toEqual(utc('2026-01-12T17:00:00Z')); // Sat → Mon
    const xmas = { ...LONDON, holidays: ['2026-12-25', '2026-12-28'] };
    expect(due('next business day', local('2026-12-24T10:00'), xmas)).toEqual(utc('2026-12-29T17:00:00Z'));
  });

  it('"end of business day" is today\'s close, or the next business day\'s after hours', () => {
    expect(due('end of business day', local('2026-01-12T08:00'))).toEqual(utc('2026-01-12T17:00:00Z'));
    expect(due('end of business day', local('2026-01-12T16:59'))).toEqual(utc('2026-01-12T17:00:00Z'));
    expect(due('end of business day', local('2026-01-12T17:00'))).toEqual(utc('2026-01-13T17:00:00Z'));
    expect(due('end of business day', local('2026-01-10T12:00'))).toEqual(utc('2026-01-12T17:00:00Z')); // Saturday
  });

  it('"by 10:00 on the next business day" keeps its time of day across a DST change', () => {
    // London moves to BST on Sunday 2026-03-29: Friday 27th 15:00 GMT → Monday 30th 10:00 BST = 09:00 UTC.
    expect(due('by 10:00 on the next business day', local('2026-03-27T15:00'))).toEqual(utc('2026-03-30T09:00:00Z'));
  });
});
