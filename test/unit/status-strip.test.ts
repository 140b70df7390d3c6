import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayBars, dayBounds } from '../../src/http/status/days.js';
import { shownDay, shownTime } from '../../src/http/status/page.js';

describe('status page times', () => {
  it('read as luxon wrote them, on both sides of a clock change and in several zones', () => {
    for (const zone of ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC']) {
      for (const iso of ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-07-01T12:00:00Z', '2026-11-01T06:30:00Z', '2026-01-05T23:07:00Z']) {
        const at = new Date(iso);
        expect(shownTime(at, zone), `${zone} ${iso}`).toBe(DateTime.fromJSDate(at).setZone(zone).toFormat('d LLL yyyy, HH:mm ZZZZ'));
        // Twice: the second comes from the kept texts.
        expect(shownTime(at, zone), `${zone} ${iso}`).toBe(DateTime.fromJSDate(at).setZone(zone).toFormat('d LLL yyyy, HH:mm ZZZZ'));
        const day = DateTime.fromJSDate(at).setZone(zone).startOf('day');
        expect(shownDay(day.toJSDate(), zone), `${zone} ${iso}`).toBe(day.toFormat('ccc d LLL yyyy'));
      }
    }
  });
});

describe('the strip\'s days', () => {
  /** The 90 days as luxon counts them from scratch: the definition the kept bounds must match. */
  const fresh = (now: Date, zone: string) => {
    const today = DateTime.fromJSDate(now).setZone(zone).startOf('day');
    const starts = Array.from({ length: 90 }, (_, k) => today.minus({ days: 89 - k }));
    return { dates: starts.map((d) => d.toISODate()), starts: starts.map((d) => d.toMillis()), ends: starts.map((d) => d.plus({ days: 1 }).toMillis()) };
  };
  it('roll over day by day as luxon counts them, through clock changes, and when the clock jumps either way', () => {
    for (const zone of ['Europe/London', 'Australia/Lord_Howe', 'America/New_York']) {
      // Every 11 hours for two weeks around the spring changes (London, Lord Howe) and the autumn
      // ones (Lord Howe, London, New York), then a jump back and one forward.
      const times = [
        ...Array.from({ length: 30 }, (_, i) => Date.parse('2026-03-25T00:00:00Z') + i * 11 * 3600_000),
        ...Array.from({ length: 30 }, (_, i) => Date.parse('2026-10-01T00:00:00Z') + i * 11 * 3600_000),
        ...Array.from({ length: 30 }, (_, i) => Date.parse('2026-10-22T00:00:00Z') + i * 11 * 3600_000),
        Date.parse('2026-01-02T03:04:05Z'),
        Date.parse('2027-06-30T23:59:59Z'),
      ];
      for (const t of times) expect(dayBounds(new Date(t), zone), `${zone} ${new Date(t).toISOString()}`).toEqual(fresh(new Date(t), zone));
    }
  });
});

describe('the 90-day strip', () => {
  const now = new Date('2026-03-04T10:00:00Z');
  const at = (iso: string) => new Date(iso);
  it('marks every day an incident was open, worst severity first, numbers in order', () => {
    const days = dayBars(
      [
        { number: 7, severityRank: 1, declaredAt: at('2026-03-01T23:30:00Z'), resolvedAt: at('2026-03-03T00:00:00Z') },
        { number: 3, severityRank: 0, declaredAt: at('2026-03-02T12:00:00Z'), resolvedAt: at('2026-03-02T13:00:00Z') },
        { number: 9, severityRank: 2, declaredAt: at('2026-03-04T09:00:00Z'), resolvedAt: null },
        // Declared after now: not shown.
        { number: 11, severityRank: 0, declaredAt: at('2026-03-04T11:00:00Z'), resolvedAt: null },
      ],
      now,
      'UTC',
      5,
    );
    expect(days.map((d) => [d.date, d.worstRank, d.incidents])).toEqual([
      ['2026-02-28', null, []],
      ['2026-03-01', 1, [7]],
      ['2026-03-02', 0, [3, 7]],
      // Resolved at midnight exactly: that instant is part of the 3rd.
      ['2026-03-03', 1, [7]],
      ['2026-03-04', 2, [9]],
    ]);
  });
});
