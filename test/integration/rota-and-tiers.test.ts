import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bootstrapTimers, tick } from '../../src/scheduler/tick.js';
import { pageNotifications, pages, timers } from '../../src/store/tables.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';

const notified = async (h: ReturnType<typeof harness>) =>
  (await h.db.select().from(pageNotifications).orderBy(asc(pageNotifications.id))).map((n) => `${n.person}@${n.tier + 1}`);

describe('tier conditions (runbook 004)', () => {
  it('pages the weekday rota in office hours and the lead out of hours', async () => {
    // Tuesday 2026-03-03 11:00 London: rota days since 2026-01-05 → 41 weekdays → members[41 % 4] = ben.
    const day = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T11:00:00Z' });
    await day.run('ben', 'declare critical Client site down');
    expect(await notified(day)).toEqual(['ben@1']);
    await day.advance(15 * MINUTE);
    expect(await notified(day)).toEqual(['ben@1', 'lead@2']);

    const night = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T22:00:00Z' });
    await night.run('ben', 'declare critical Client site down');
    expect(await notified(night)).toEqual(['lead@3']);
  });
});

describe('auto-escalation (runbook 003: P1 auto-escalates after 2h)', () => {
  it('pages L2 once when a P1 is still unmitigated two hours in, and not when it was mitigated', async () => {
    const h = harness({ policy: 'examples/policies/003-incident-response.yaml', start: '2026-03-04T10:00:00Z' });
    await h.run('omar', 'declare P1 Payments slow');
    await h.run('omar', 'ack');
    await h.advance(2 * HOUR - 1);
    expect((await notified(h)).filter((n) => n.startsWith('sean'))).toEqual([]);
    await h.advance(1);
    expect((await notified(h)).filter((n) => n.startsWith('sean') || n.startsWith('tess'))).toEqual(['sean@1', 'tess@1']);

    // Changing severity back and forth later does not page L2 a second time.
    await h.run('tess', 'ack');
    await h.run('omar', 'severity P2');
    await h.run('omar', 'severity P1');
    await h.advance(HOUR);
    // (The raise back to P1 pages P1's own policy again, as any raise does; L2 is not paged again.)
    expect((await h.db.select().from(pages)).filter((p) => p.policy === 'l2')).toHaveLength(1);

    const calm = harness({ policy: 'examples/policies/003-incident-response.yaml', start: '2026-03-04T10:00:00Z' });
    await calm.run('omar', 'declare P1 Payments slow');
    await calm.run('omar', 'ack');
    await calm.run('omar', 'mitigate Rolled back the release');
    await calm.advance(3 * HOUR);
    expect((await notified(calm)).filter((n) => n.startsWith('sean'))).toEqual([]);
  });
});

describe('hand-offs and overrides', () => {
  it('tells people by DM when their shift starts and ends, at the hand-off', async () => {
    // Monday 2026-03-09 09:00 London (GMT): primary moves from carol to alice.
    const h = harness({ start: '2026-03-09T08:00:00Z' });
    await bootstrapTimers(h.svc);
    await h.advance(HOUR);
    const dms = await h.posts((r) => r.destination.startsWith('dm:'));
    const text = (d: string) => dms.filter((r) => r.destination === d).map((r) => String((r.body as { text: string }).text));
    expect(text('dm:alice').some((t) => t.includes('primary on-call shift starts now'))).toBe(true);
    expect(text('dm:carol').some((t) => t.includes('primary on-call shift has ended'))).toBe(true);
    // The next regular hand-off is armed a week later.
    const next = (await h.db.select().from(timers).where(eq(timers.key, 'handoff:primary'))).find((t) => t.status === 'pending')!;
    expect(next.dueAt.toISOString()).toBe('2026-03-16T09:00:00.000Z');
  });

  it('after days of downtime a rota tells only the people on shift now, once', async () => {
    // Runbook 004's weekday rota; Klaxon stops Tuesday 08:00 and comes back Friday 12:00.
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T08:00:00Z' });
    await bootstrapTimers(h.svc);
    h.clock.set('2026-03-06T12:00:00Z');
    for (let i = 0; i < 5; i++) await tick(h.svc);
    const notices = await h.posts((r) => r.destination.startsWith('dm:') && /shift/.test(String((r.body as { text: string }).text)));
    // Friday's hand-off: one "ended" and one "starts" DM, nothing about Tuesday to Thursday.
    expect(notices).toHaveLength(2);
    const next = (await h.db.select().from(timers).where(eq(timers.key, 'handoff:rota'))).find((t) => t.status === 'pending')!;
    expect(next.dueAt.toISOString()).toBe('2026-03-09T09:00:00.000Z');
  });

  it('an override takes the rota for its duration and pages reach the override', async () => {
    const h = harness({ start: '2026-03-04T10:00:00Z' });
    expect((await h.run('carol', 'oncall primary')).text).toMatch(/primary: Carol Chen until 2026-03-09 09:00/);
    const r = await h.run('bob', 'override primary @erin 2h');
    expect(r.ok).toBe(true);
    expect((await h.run('bob', 'oncall primary')).text).toMatch(/primary: Erin Evans \(override\) until 2026-03-04 12:00/);
    await h.run('bob', 'declare sev1 Checkout down');
    expect((await notified(h))[0]).toBe('erin@1');
    await h.run('bob', 'resolve fixed');
    await h.advance(2 * HOUR);
    expect((await h.run('bob', 'oncall primary')).text).toMatch(/primary: Carol Chen/);
    expect((await h.texts('dm:carol')).some((t) => t.includes('shift starts now'))).toBe(true);
  });

  it('refuses a bad override with the right form and stores nothing', async () => {
    const h = harness();
    const r = await h.run('bob', 'override nosuch @erin 2h');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/no schedule "nosuch"/);
    expect((await h.run('carol', 'override primary @erin 2h')).ok).toBe(true);
    expect((await h.run('carol', 'override primary @erin 3 business days')).ok).toBe(false);
  });

  it('sets the rota channel topic on its cron (runbook 004 keeps the rota in a topic)', async () => {
    // Tuesday 2026-03-03 07:59 London; the announcement is at 08:00 on weekdays.
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T07:59:00Z' });
    await bootstrapTimers(h.svc);
    await h.advance(2 * MINUTE);
    const topics = await h.posts((r) => r.kind === 'topic' && r.destination === 'channel:general');
    // The 08:00 post names the person on from today's 09:00 hand-off, not yesterday's (still on at 08:00).
    expect((await h.run('abigail', 'oncall rota')).text).toMatch(/Abigail/);
    expect(topics.map((t) => (t.body as { text: string }).text)).toEqual(['On rota today: @ben']);
    await h.advance(HOUR);
    expect((await h.run('abigail', 'oncall rota')).text).toMatch(/Ben/);
  });
});
