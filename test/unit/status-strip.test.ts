import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayBars } from '../../src/http/status/days.js';
import { shownTime } from '../../src/http/status/page.js';

describe('status page times', () => {
  it('read as luxon wrote them, on both sides of a clock change and in several zones', () => {
    for (const zone of ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC']) {
      for (const iso of ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-07-01T12:00:00Z', '2026-11-01T06:30:00Z', '2026-01-05T23:07:00Z']) {
        const at = new Date(iso);
        expect(shownTime(at, zone), `${zone} ${iso}`).toBe(DateTime.fromJSDate(at).setZone(zone).toFormat('d LLL yyyy, HH:mm ZZZZ'));
      }
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
