import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { parsePolicy, type Schedule } from '../../src/config/policy/index.js';
import { handoffsBetween, onCallAt, type Override } from '../../src/domain/rotation.js';

const LONDON = 'Europe/London';
const utc = (iso: string): Date => new Date(iso);
const local = (iso: string, zone = LONDON): Date => DateTime.fromISO(iso, { zone }).toJSDate();

function schedule(s: Pick<Schedule, 'rotation' | 'handoff' | 'start' | 'members'>): Schedule {
  // Only the rota fields matter here; the rest of a parsed schedule (announce, notices…) is irrelevant.
  return { shift_notices: true, ...s } as Schedule;
}

const weekly = schedule({ rotation: 'weekly', handoff: 'mon 09:00', start: '2026-03-02', members: ['alice', 'bob', 'carol'] });
const who = (s: Schedule, at: Date, zone = LONDON, overrides?: Override[]) => onCallAt(s, at, zone, overrides).person;

describe('weekly rotation', () => {
  it('starts with the first member at the first hand-off and rotates in order', () => {
    // 2026-03-02 is a Monday; London is on GMT until 2026-03-29.
    expect(onCallAt(weekly, utc('2026-03-02T09:00:00Z'), LONDON)).toEqual({
      person: 'alice', since: utc('2026-03-02T09:00:00Z'), until: utc('2026-03-09T09:00:00Z'),
    });
    expect(who(weekly, utc('2026-03-08T23:00:00Z'))).toBe('alice');
    expect(who(weekly, utc('2026-03-09T09:00:00Z'))).toBe('bob');
    expect(who(weekly, utc('2026-03-16T09:00:00Z'))).toBe('carol');
    expect(who(weekly, utc('2026-03-23T09:00:00Z'))).toBe('alice');
  });
  it('continues the order backwards before the start (shift -1 is the last member)', () => {
    expect(who(weekly, utc('2026-03-02T08:59:59Z'))).toBe('carol');
    expect(who(weekly, utc('2026-02-20T12:00:00Z'))).toBe('bob');
  });
  it('hands off at 09:00 local across the spring DST change (2026-03-29): 08:00Z', () => {
    expect(who(weekly, utc('2026-03-30T07:59:59Z'))).toBe('alice');
    expect(who(weekly, utc('2026-03-30T08:00:00Z'))).toBe('bob');
    expect(onCallAt(weekly, utc('2026-03-25T12:00:00Z'), LONDON).until).toEqual(utc('2026-03-30T08:00:00Z'));
    expect(onCallAt(weekly, utc('2026-03-31T12:00:00Z'), LONDON)).toEqual({
      person: 'bob', since: utc('2026-03-30T08:00:00Z'), until: utc('2026-04-06T08:00:00Z'),
    });
  });
  it('hands off at 09:00 local across the autumn DST change (2026-10-25): 09:00Z', () => {
    // 2026-10-19 is shift 33 (alice), 2026-10-26 shift 34 (bob).
    expect(onCallAt(weekly, utc('2026-10-21T12:00:00Z'), LONDON)).toEqual({
      person: 'alice', since: utc('2026-10-19T08:00:00Z'), until: utc('2026-10-26T09:00:00Z'),
    });
    expect(who(weekly, utc('2026-10-26T08:00:00Z'))).toBe('alice'); // 08:00 GMT: not yet
    expect(who(weekly, utc('2026-10-26T08:59:59Z'))).toBe('alice');
    expect(who(weekly, utc('2026-10-26T09:00:00Z'))).toBe('bob');
  });
  it('treats a mid-week start date as part of shift 0', () => {
    const s = schedule({ rotation: 'weekly', handoff: 'mon 09:00', start: '2026-01-07', members: ['alice', 'bob'] });
    expect(onCallAt(s, utc('2026-01-07T12:00:00Z'), LONDON)).toEqual({
      person: 'alice', since: utc('2026-01-05T09:00:00Z'), until: utc('2026-01-12T09:00:00Z'),
    });
    expect(who(s, utc('2026-01-12T09:00:00Z'))).toBe('bob');
  });
  it('honours a non-Monday hand-off day', () => {
    const s = schedule({ rotation: 'weekly', handoff: 'Thu 17:30', start: '2026-01-01', members: ['a', 'b'] });
    // 2026-01-01 is a Thursday.
    expect(onCallAt(s, utc('2026-01-01T17:30:00Z'), LONDON)).toMatchObject({ person: 'a', until: utc('2026-01-08T17:30:00Z') });
    expect(who(s, utc('2026-01-01T17:29:00Z'))).toBe('b');
    expect(who(s, utc('2026-01-08T17:30:00Z'))).toBe('b');
  });
});

describe('daily rotation', () => {
  const daily = schedule({ rotation: 'daily', handoff: '09:00', start: '2026-01-05', members: ['a', 'b', 'c'] });
  const NY = 'America/New_York';
  it('hands off every day at the local hand-off time', () => {
    expect(onCallAt(daily, local('2026-01-05T09:00', NY), NY)).toEqual({
      person: 'a', since: utc('2026-01-05T14:00:00Z'), until: utc('2026-01-06T14:00:00Z'),
    });
    expect(who(daily, local('2026-01-06T08:59', NY), NY)).toBe('a');
    expect(who(daily, local('2026-01-06T09:00', NY), NY)).toBe('b');
    expect(who(daily, local('2026-01-10T09:00', NY), NY)).toBe('c'); // Saturday counts too: shift 5
    expect(who(daily, local('2026-01-11T12:00', NY), NY)).toBe('a');
  });
  it('keeps the local time across New York DST (2026-03-08)', () => {
    // 2026-03-07 is day 61 (61 % 3 = 1 -> b), 2026-03-08 day 62 (c).
    expect(onCallAt(daily, utc('2026-03-07T20:00:00Z'), NY)).toEqual({
      person: 'b', since: utc('2026-03-07T14:00:00Z'), until: utc('2026-03-08T13:00:00Z'),
    });
    expect(who(daily, utc('2026-03-08T13:00:00Z'), NY)).toBe('c');
  });
});

describe('weekdays rotation', () => {
  const wd = schedule({ rotation: 'weekdays', handoff: '09:00', start: '2026-01-05', members: ['a', 'b', 'c'] });
  it('hands off Monday to Friday, counting only weekdays', () => {
    const expected = ['a', 'b', 'c', 'a', 'b'];
    for (let i = 0; i < 5; i++) expect(who(wd, utc(`2026-01-0${5 + i}T12:00:00Z`))).toBe(expected[i]);
    expect(who(wd, utc('2026-01-12T09:00:00Z'))).toBe('c');
    expect(who(wd, utc('2026-01-13T09:00:00Z'))).toBe('a');
  });
  it("keeps Friday's person on over the weekend until Monday's hand-off", () => {
    expect(onCallAt(wd, utc('2026-01-10T12:00:00Z'), LONDON)).toEqual({
      person: 'b', since: utc('2026-01-09T09:00:00Z'), until: utc('2026-01-12T09:00:00Z'),
    });
    expect(who(wd, utc('2026-01-11T23:59:00Z'))).toBe('b');
    expect(who(wd, utc('2026-01-12T08:59:59Z'))).toBe('b');
  });
  it('starting on a weekend anchors on the Friday before', () => {
    const s = schedule({ rotation: 'weekdays', handoff: '09:00', start: '2026-01-10', members: ['a', 'b'] });
    expect(who(s, utc('2026-01-10T12:00:00Z'))).toBe('a');
    expect(who(s, utc('2026-01-12T09:00:00Z'))).toBe('b');
  });
});

describe('overrides', () => {
  const daily = schedule({ rotation: 'daily', handoff: '09:00', start: '2026-01-05', members: ['a', 'b'] });
  const ov = (person: string, start: string, end: string): Override => ({ schedule: 'primary', person, start: utc(start), end: utc(end) });

  it('replaces the person while active (start inclusive, end exclusive)', () => {
    const o = ov('zed', '2026-01-05T12:00:00Z', '2026-01-05T14:00:00Z');
    expect(onCallAt(daily, utc('2026-01-05T12:00:00Z'), 'UTC', [o])).toEqual({
      person: 'zed', since: utc('2026-01-05T12:00:00Z'), until: utc('2026-01-05T14:00:00Z'), override: o,
    });
    expect(onCallAt(daily, utc('2026-01-05T14:00:00Z'), 'UTC', [o])).toEqual({
      person: 'a', since: utc('2026-01-05T09:00:00Z'), until: utc('2026-01-06T09:00:00Z'),
    });
  });
  it('ends `until` at the next hand-off when the override runs past it', () => {
    const o = ov('zed', '2026-01-05T12:00:00Z', '2026-01-07T00:00:00Z');
    expect(onCallAt(daily, utc('2026-01-05T20:00:00Z'), 'UTC', [o])).toMatchObject({ person: 'zed', until: utc('2026-01-06T09:00:00Z') });
    expect(onCallAt(daily, utc('2026-01-06T10:00:00Z'), 'UTC', [o])).toMatchObject({
      person: 'zed', since: utc('2026-01-06T09:00:00Z'), until: utc('2026-01-07T00:00:00Z'),
    });
  });
  it('lets the latest-starting active override win', () => {
    const early = ov('x', '2026-01-05T10:00:00Z', '2026-01-05T18:00:00Z');
    const late = ov('y', '2026-01-05T11:00:00Z', '2026-01-05T12:00:00Z');
    expect(who(daily, utc('2026-01-05T11:30:00Z'), 'UTC', [late, early])).toBe('y');
    expect(who(daily, utc('2026-01-05T12:30:00Z'), 'UTC', [late, early])).toBe('x');
    expect(who(daily, utc('2026-01-05T10:30:00Z'), 'UTC', [late, early])).toBe('x');
  });
  it('stops `until` where an upcoming override takes over', () => {
    const later = ov('y', '2026-01-05T15:00:00Z', '2026-01-05T16:00:00Z');
    expect(onCallAt(daily, utc('2026-01-05T10:00:00Z'), 'UTC', [later])).toEqual({
      person: 'a', since: utc('2026-01-05T09:00:00Z'), until: utc('2026-01-05T15:00:00Z'),
    });
  });
  it('names nobody when a schedule has no members, unless overridden', () => {
    const empty = schedule({ rotation: 'daily', handoff: '09:00', start: '2026-01-05', members: [] });
    expect(who(empty, utc('2026-01-05T10:00:00Z'), 'UTC')).toBeNull();
    expect(who(empty, utc('2026-01-05T10:00:00Z'), 'UTC', [ov('z', '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z')])).toBe('z');
  });
});

describe('handoffsBetween', () => {
  it('lists weekly London hand-offs at 09:00 local across DST, in (from, to]', () => {
    expect(handoffsBetween(weekly, utc('2026-03-20T00:00:00Z'), utc('2026-04-10T00:00:00Z'), LONDON)).toEqual([
      utc('2026-03-23T09:00:00Z'), utc('2026-03-30T08:00:00Z'), utc('2026-04-06T08:00:00Z'),
    ]);
    expect(handoffsBetween(weekly, utc('2026-10-18T00:00:00Z'), utc('2026-11-01T00:00:00Z'), LONDON)).toEqual([
      utc('2026-10-19T08:00:00Z'), utc('2026-10-26T09:00:00Z'),
    ]);
  });
  it('excludes `from` and includes `to`', () => {
    const h = utc('2026-03-09T09:00:00Z');
    expect(handoffsBetween(weekly, h, utc('2026-03-16T09:00:00Z'), LONDON)).toEqual([utc('2026-03-16T09:00:00Z')]);
    expect(handoffsBetween(weekly, utc('2026-03-09T08:00:00Z'), h, LONDON)).toEqual([h]);
    expect(handoffsBetween(weekly, h, h, LONDON)).toEqual([]);
  });
  it('skips weekends for weekdays rotations', () => {
    const wd = schedule({ rotation: 'weekdays', handoff: '09:00', start: '2026-01-05', members: ['a'] });
    const got = handoffsBetween(wd, utc('2026-01-08T12:00:00Z'), utc('2026-01-13T12:00:00Z'), 'UTC');
    expect(got).toEqual([utc('2026-01-09T09:00:00Z'), utc('2026-01-12T09:00:00Z'), utc('2026-01-13T09:00:00Z')]);
  });
  it('agrees with onCallAt: the person changes exactly at each listed hand-off', () => {
    const daily = schedule({ rotation: 'daily', handoff: '09:00', start: '2026-03-01', members: ['a', 'b'] });
    const list = handoffsBetween(daily, utc('2026-03-25T00:00:00Z'), utc('2026-04-02T00:00:00Z'), LONDON);
    expect(list).toHaveLength(8);
    for (const h of list) {
      const before = onCallAt(daily, new Date(h.getTime() - 1), LONDON);
      const after = onCallAt(daily, h, LONDON);
      expect(before.until).toEqual(h);
      expect(after.since).toEqual(h);
      expect(after.person).not.toBe(before.person);
    }
  });
});

describe('monthly rotation (runbook 000: the Communications Lead "rotates monthly")', () => {
  const monthly = (handoff?: string) =>
    parsePolicy(`
timezone: Europe/London
people: { uma: { name: Uma }, vic: { name: Vic }, wes: { name: Wes } }
schedules:
  comms: { rotation: monthly, ${handoff ? `handoff: "${handoff}", ` : ''}start: "2026-01-01", members: [uma, vic, wes] }
severities: [{ id: sev1, description: x }]
`).schedules.comms;
  const who = (iso: string, s = monthly('1st 09:00')) => onCallAt(s, new Date(iso), 'Europe/London').person;

  it('hands off on the 1st at 09:00 local, whatever the month length, and across DST', () => {
    expect(who('2026-01-15T12:00:00Z')).toBe('uma');
    expect(who('2026-02-01T08:59:00Z')).toBe('uma');
    expect(who('2026-02-01T09:00:00Z')).toBe('vic');
    expect(who('2026-03-31T12:00:00Z')).toBe('wes');
    // 1 April 09:00 BST is 08:00 UTC.
    expect(who('2026-04-01T07:59:00Z')).toBe('wes');
    expect(who('2026-04-01T08:00:00Z')).toBe('uma');
    expect(onCallAt(monthly('1st 09:00'), new Date('2026-02-10T00:00:00Z'), 'Europe/London').until).toEqual(new Date('2026-03-01T09:00:00Z'));
  });

  it('defaults to "1st 09:00"; a later day of the month works; check-policy refuses the 31st', () => {
    expect(monthly().handoff).toBe('1st 09:00');
    expect(who('2026-02-14T12:00:00Z', monthly('15th 09:00'))).toBe('vic');
    expect(who('2026-02-15T12:00:00Z', monthly('15th 09:00'))).toBe('wes');
    expect(() => monthly('31st 09:00')).toThrow(/schedules\.comms\.handoff: "31st 09:00" is not a monthly hand-off \(like "1st 09:00", a day from 1 to 28\)/);
  });

  it('lists hand-offs a month apart', () => {
    expect(handoffsBetween(monthly('1st 09:00'), new Date('2026-01-01T12:00:00Z'), new Date('2026-04-15T00:00:00Z'), 'Europe/London').map((d) => d.toISOString())).toEqual([
      '2026-02-01T09:00:00.000Z', '2026-03-01T09:00:00.000Z', '2026-04-01T08:00:00.000Z',
    ]);
  });
});
