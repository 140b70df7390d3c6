import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bootstrapTimers, tick } from '../../src/scheduler/tick.js';
import { pageNotifications, pages, timers } from '../../src/store/schema.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';

const notified = (h: ReturnType<typeof harness>) =>
  h.db.select().from(pageNotifications).orderBy(asc(pageNotifications.id)).all().map((n) => `${n.person}@${n.tier + 1}`);

describe('tier conditions (runbook 004)', () => {
  it('pages the weekday rota in office hours and the lead out of hours', () => {
    // Tuesday 2026-03-03 11:00 London: rota days since 2026-01-05 → 41 weekdays → members[41 % 4] = ben.
    const day = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T11:00:00Z' });
    day.run('ben', 'declare critical Client site down');
    expect(notified(day)).toEqual(['ben@1']);
    day.advance(15 * MINUTE);
    expect(notified(day)).toEqual(['ben@1', 'lead@2']);

    const night = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T22:00:00Z' });
    night.run('ben', 'declare critical Client site down');
    expect(notified(night)).toEqual(['lead@3']);
  });
});

describe('auto-escalation (runbook 003: P1 auto-escalates after 2h)', () => {
  it('pages L2 once when a P1 is still unmitigated two hours in, and not when it was mitigated', () => {
    const h = harness({ policy: 'examples/policies/003-incident-response.yaml', start: '2026-03-04T10:00:00Z' });
    h.run('omar', 'declare P1 Payments slow');
    h.run('omar', 'ack');
    h.advance(2 * HOUR - 1);
    expect(notified(h).filter((n) => n.startsWith('sean'))).toEqual([]);
    h.advance(1);
    expect(notified(h).filter((n) => n.startsWith('sean') || n.startsWith('tess'))).toEqual(['sean@1', 'tess@1']);

    // Changing severity back and forth later does not page L2 a second time.
    h.run('tess', 'ack');
    h.run('omar', 'severity P2');
    h.run('omar', 'severity P1');
    h.advance(HOUR);
    // (The raise back to P1 pages P1's own policy again, as any raise does; L2 is not paged again.)
    expect(h.db.select().from(pages).all().filter((p) => p.policy === 'l2')).toHaveLength(1);

    const calm = harness({ policy: 'examples/policies/003-incident-response.yaml', start: '2026-03-04T10:00:00Z' });
    calm.run('omar', 'declare P1 Payments slow');
    calm.run('omar', 'ack');
    calm.run('omar', 'mitigate Rolled back the release');
    calm.advance(3 * HOUR);
    expect(notified(calm).filter((n) => n.startsWith('sean'))).toEqual([]);
  });
});

describe('hand-offs and overrides', () => {
  it('tells people by DM when their shift starts and ends, at the hand-off', () => {
    // Monday 2026-03-09 09:00 London (GMT): primary moves from carol to alice.
    const h = harness({ start: '2026-03-09T08:00:00Z' });
    bootstrapTimers(h.svc);
    h.advance(HOUR);
    const dms = h.posts((r) => r.destination.startsWith('dm:'));
    const text = (d: string) => dms.filter((r) => r.destination === d).map((r) => String((r.body as { text: string }).text));
    expect(text('dm:alice').some((t) => t.includes('primary on-call shift starts now'))).toBe(true);
    expect(text('dm:carol').some((t) => t.includes('primary on-call shift has ended'))).toBe(true);
    // The next regular hand-off is armed a week later.
    const next = h.db.select().from(timers).where(eq(timers.key, 'handoff:primary')).all().find((t) => t.status === 'pending')!;
    expect(next.dueAt.toISOString()).toBe('2026-03-16T09:00:00.000Z');
  });

  it('after days of downtime a rota tells only the people on shift now, once', () => {
    // Runbook 004's weekday rota; Klaxon stops Tuesday 08:00 and comes back Friday 12:00.
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T08:00:00Z' });
    bootstrapTimers(h.svc);
    h.clock.set('2026-03-06T12:00:00Z');
    for (let i = 0; i < 5; i++) tick(h.svc);
    const notices = h.posts((r) => r.destination.startsWith('dm:') && /shift/.test(String((r.body as { text: string }).text)));
    // Friday's hand-off: one "ended" and one "starts" DM, nothing about Tuesday to Thursday.
    expect(notices).toHaveLength(2);
    const next = h.db.select().from(timers).where(eq(timers.key, 'handoff:rota')).all().find((t) => t.status === 'pending')!;
    expect(next.dueAt.toISOString()).toBe('2026-03-09T09:00:00.000Z');
  });

  it('an override takes the rota for its duration and pages reach the override', () => {
    const h = harness({ start: '2026-03-04T10:00:00Z' });
    expect(h.run('carol', 'oncall primary').text).toMatch(/primary: Carol Chen until 2026-03-09 09:00/);
    const r = h.run('bob', 'override primary @erin 2h');
    expect(r.ok).toBe(true);
    expect(h.run('bob', 'oncall primary').text).toMatch(/primary: Erin Evans \(override\) until 2026-03-04 12:00/);
    h.run('bob', 'declare sev1 Checkout down');
    expect(notified(h)[0]).toBe('erin@1');
    h.run('bob', 'resolve fixed');
    h.advance(2 * HOUR);
    expect(h.run('bob', 'oncall primary').text).toMatch(/primary: Carol Chen/);
    expect(h.texts('dm:carol').some((t) => t.includes('shift starts now'))).toBe(true);
  });

  it('refuses a bad override with the right form and stores nothing', () => {
    const h = harness();
    const r = h.run('bob', 'override nosuch @erin 2h');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/no schedule "nosuch"/);
    expect(h.run('carol', 'override primary @erin 2h').ok).toBe(true);
    expect(h.run('carol', 'override primary @erin 3 business days').ok).toBe(false);
  });

  it('sets the rota channel topic on its cron (runbook 004 keeps the rota in a topic)', () => {
    // Tuesday 2026-03-03 07:59 London; the announcement is at 08:00 on weekdays.
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T07:59:00Z' });
    bootstrapTimers(h.svc);
    h.advance(2 * MINUTE);
    const topics = h.posts((r) => r.kind === 'topic' && r.destination === 'channel:general');
    // The 08:00 post names the person on from today's 09:00 hand-off, not yesterday's (still on at 08:00).
    expect(h.run('abigail', 'oncall rota').text).toMatch(/Abigail/);
    expect(topics.map((t) => (t.body as { text: string }).text)).toEqual(['On rota today: @ben']);
    h.advance(HOUR);
    expect(h.run('abigail', 'oncall rota').text).toMatch(/Ben/);
  });
});
