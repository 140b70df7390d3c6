import { asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tick } from '../../src/scheduler/tick.js';
import { reactToDelivered } from '../../src/service/inbound.js';
import { Service } from '../../src/service/service.js';
import { incidents, outbox, pageNotifications, pages, timers } from '../../src/store/schema.js';
import { harness, MINUTE } from '../helpers/harness.js';

// 2026-03-04 is a Wednesday: carol is primary, alice secondary, erin the manager (default policy).
const T0 = '2026-03-04T10:00:00Z';
const at = (min: number) => new Date(Date.parse(T0) + min * MINUTE);

function notified(h: ReturnType<typeof harness>) {
  return h.db.select().from(pageNotifications).orderBy(asc(pageNotifications.id)).all().map((n) => ({ person: n.person, tier: n.tier + 1, cycle: n.cycle, at: n.notifiedAt.toISOString() }));
}

describe('escalation', () => {
  it('pages tier 1 at once, tier 2 at exactly +15m and tier 3 at exactly +30m', () => {
    const h = harness({ start: T0 });
    expect(h.run('bob', 'declare sev1 Checkout down').ok).toBe(true);
    expect(notified(h)).toEqual([{ person: 'carol', tier: 1, cycle: 0, at: at(0).toISOString() }]);

    h.advance(15 * MINUTE - 1);
    expect(notified(h)).toHaveLength(1);
    h.advance(1);
    expect(notified(h)[1]).toEqual({ person: 'alice', tier: 2, cycle: 0, at: at(15).toISOString() });

    h.advance(15 * MINUTE);
    expect(notified(h)[2]).toEqual({ person: 'erin', tier: 3, cycle: 0, at: at(30).toISOString() });
    // Each notified person got a DM with an Acknowledge button, and a mention in the incident channel.
    const dms = h.posts((r) => r.destination.startsWith('dm:') && r.pageId !== null);
    expect(dms.map((r) => r.destination)).toEqual(['dm:carol', 'dm:alice', 'dm:erin']);
    expect((dms[0].body as { actions: { id: string }[] }).actions[0].id).toBe('ack');
    expect(h.posts((r) => r.destination === 'incident' && r.pageId !== null)).toHaveLength(3);
  });

  it('acknowledging at +20m stops the escalation and stamps acknowledgedAt', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    h.advance(20 * MINUTE);
    const r = h.run('alice', 'ack');
    expect(r).toMatchObject({ ok: true });
    h.advance(3 * 60 * MINUTE);
    expect(notified(h).map((n) => n.person)).toEqual(['carol', 'alice']);
    const inc = h.db.select().from(incidents).get()!;
    expect(inc.acknowledgedAt?.toISOString()).toBe(at(20).toISOString());
    expect(h.db.select().from(pages).get()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });
  });

  it('repeats the tiers `repeat` times, then says the page is exhausted in the channel and announcements', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    h.advance(10 * 60 * MINUTE);
    expect(notified(h).map((n) => `${n.person}@${n.tier}/${n.cycle}`)).toEqual([
      'carol@1/0', 'alice@2/0', 'erin@3/0', 'carol@1/1', 'alice@2/1', 'erin@3/1',
    ]);
    expect(notified(h)[3].at).toBe(at(60).toISOString());
    expect(h.db.select().from(pages).get()!.status).toBe('exhausted');
    expect(h.texts('incident').some((t) => t.includes('Nobody acknowledged'))).toBe(true);
    expect(h.texts('channel:announcements').some((t) => t.includes('Nobody acknowledged'))).toBe(true);
    // Every copy of the page was rewritten without its button.
    const edits = h.posts((r) => r.kind === 'edit');
    expect(edits.length).toBe(12);
    expect(edits.every((e) => !(e.body as { actions?: unknown[] }).actions)).toBe(true);
  });

  it('resolving cancels the page, and a late acknowledgement does not reopen it', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    h.advance(5 * MINUTE);
    expect(h.run('bob', 'resolve False alarm').ok).toBe(true);
    const page = h.db.select().from(pages).get()!;
    expect(page.status).toBe('cancelled');
    const pending = h.db.select().from(timers).where(eq(timers.status, 'pending')).all();
    expect(pending.filter((t) => t.kind !== 'postmortem_reminder' && t.incidentId !== null)).toEqual([]);
    const late = h.svc.acknowledgePageById(h.as('carol'), page.id);
    expect(late.ok).toBe(false);
    expect(late.text).toMatch(/cancelled because the incident was resolved/);
    h.advance(60 * MINUTE);
    expect(h.db.select().from(pages).get()!.status).toBe('cancelled');
    expect(notified(h)).toHaveLength(1);
  });

  it('an acknowledge button pressed twice answers who already acknowledged', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    const page = h.db.select().from(pages).get()!;
    expect(h.svc.acknowledgePageById(h.as('carol'), page.id).ok).toBe(true);
    const again = h.svc.acknowledgePageById(h.as('alice'), page.id);
    expect(again).toMatchObject({ ok: false });
    expect(again.text).toMatch(/already acknowledged by Carol Chen/);
  });

  it('acknowledging by reaction on the DM edits every copy to say who and when', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    h.advance(15 * MINUTE);
    // Pretend the dispatcher delivered alice's DM as console message 7.
    const dm = h.posts((r) => r.destination === 'dm:alice')[0];
    h.db.update((outbox)).set({ status: 'sent', refChannel: 'DM @alice', refId: '7' }).where(eq(outbox.id, dm.id)).run();
    const r = reactToDelivered(h.svc, h.as('alice'), 'console', { id: '7' }, 'white_check_mark');
    expect(r).toMatchObject({ ok: true });
    const edits = h.posts((x) => x.kind === 'edit');
    // carol's DM, alice's DM and the two channel mentions.
    expect(edits).toHaveLength(4);
    for (const e of edits) expect((e.body as { text: string }).text).toMatch(/Acknowledged by Alice Archer at 2026-03-04 10:15/);
    expect(reactToDelivered(h.svc, h.as('alice'), 'console', { id: '7' }, 'tada')).toBeNull();
  });

  it("Klaxon's automation off and safe mode on never stop pages or their escalation (SPEC §9)", () => {
    const h = harness({ start: T0 });
    expect(h.run('erin', 'automation off').ok).toBe(true);
    expect(h.run('erin', 'safe-mode on').ok).toBe(true);
    h.run('bob', 'declare sev1 Checkout down');
    expect(notified(h).map((n) => n.person)).toEqual(['carol']);
    h.advance(15 * MINUTE);
    expect(notified(h).map((n) => n.person)).toEqual(['carol', 'alice']);
    h.run('bob', 'declare sev3 Slow search');
    expect(h.run('bob', 'severity #2 sev1').ok).toBe(true);
    expect(notified(h).map((n) => n.person)).toEqual(['carol', 'alice', 'carol']);
  });

  it('a severity raise pages the new severity policy', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev3 Slow search');
    expect(notified(h)).toEqual([]);
    expect(h.run('bob', 'severity sev1').ok).toBe(true);
    expect(notified(h).map((n) => n.person)).toEqual(['carol']);
  });

  it('raising to a severity that pages the same policy does not start a second page', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev2 Search is slow'); // sev2 and sev1 both page `default`
    h.advance(5 * MINUTE);
    h.run('bob', 'severity sev1');
    h.advance(20 * MINUTE);
    expect(notified(h).map((n) => n.person)).toEqual(['carol', 'alice']);
    expect(h.db.select().from(pages).all()).toHaveLength(1);
  });

  it('answering an exhausted page acknowledges the incident', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    h.advance(3 * 60 * MINUTE);
    const page = h.db.select().from(pages).get()!;
    expect(page.status).toBe('exhausted');
    const r = h.svc.acknowledgePageById(h.as('erin'), page.id);
    expect(r).toMatchObject({ ok: true });
    expect(h.db.select().from(incidents).get()!.acknowledgedAt?.toISOString()).toBe(at(180).toISOString());
  });

  it('a timer that cannot run (a legacy page whose policy was edited away) is set aside and the others still fire', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    h.run('bob', 'declare sev3 Slow search');
    // A page from before pages kept their plan reads the live policy, and the escalation policy it
    // walks disappears from it (an edit and restart).
    h.db.update(pages).set({ plan: null }).where(eq(pages.incidentId, 1)).run();
    const edited = { ...h.policy, escalation_policies: {} };
    const svc = new Service({ ...h.svc.deps, policy: edited });
    h.clock.set(at(15));
    expect(() => tick(svc)).not.toThrow();
    const failed = h.db.select().from(timers).where(eq(timers.status, 'failed')).all();
    expect(failed.map((t) => t.kind)).toEqual(['escalate']);
    expect(h.db.select().from(timers).where(eq(timers.status, 'pending')).all().some((t) => t.dueAt <= at(15))).toBe(false);
    // A person is told in the incident's channel that escalation stopped, ahead of other posts.
    const notice = h.posts((r) => r.destination === 'incident' && String((r.body as { text: string }).text).includes('set aside'));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ incidentId: 1, priority: 0 });
    expect(String((notice[0].body as { text: string }).text)).toMatch(/^⚠️ Escalation of this page: the next tier due .* could not run/);
  });

  it('after downtime, every missed step fires once, in order, and says how late it is', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    // Klaxon is down from +1m to +40m: no ticks. Tier 2 (+15m) and tier 3 (+30m) fell due meanwhile.
    h.clock.set(at(40));
    tick(h.svc);
    tick(h.svc);
    expect(notified(h).map((n) => `${n.person}@${n.tier}`)).toEqual(['carol@1', 'alice@2', 'erin@3']);
    const dms = h.texts().filter((t) => t.includes('late by'));
    expect(dms.some((t) => t.includes('late by 25m'))).toBe(true);
    expect(dms.some((t) => t.includes('late by 10m'))).toBe(true);
    // The next step is still timed from when tier 3 should have fired (+30m + 30m).
    const next = h.db.select().from(timers).where(eq(timers.status, 'pending')).all().find((t) => t.kind === 'escalate')!;
    expect(next.dueAt.toISOString()).toBe(at(60).toISOString());
  });

  it('a crash before a timer commits leaves no trace, and the retry fires it once', () => {
    const h = harness({ start: T0 });
    h.run('bob', 'declare sev1 Checkout down');
    h.clock.set(at(15));
    expect(() => tick(h.svc, { crashBeforeCommit: (t) => t.kind === 'escalate' })).toThrow(/injected crash/);
    expect(notified(h)).toHaveLength(1);
    tick(h.svc);
    tick(h.svc);
    expect(notified(h).map((n) => n.person)).toEqual(['carol', 'alice']);
  });

  it('property: the tiers notified are exactly those whose start came before the acknowledgement', () => {
    // Tier starts for the default policy: 0, 15, 30 and (second round) 60, 75, 90 minutes; exhausted at 120.
    const starts = [0, 15, 30, 60, 75, 90].map((m) => m * MINUTE);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 * MINUTE }).filter((t) => !starts.includes(t) && t !== 120 * MINUTE), (ackAfter) => {
        const h = harness({ start: T0 });
        h.run('bob', 'declare sev1 Checkout down');
        h.advance(ackAfter);
        h.run('erin', 'ack');
        h.advance(200 * MINUTE);
        const expected = starts.filter((s) => s < ackAfter).length;
        expect(notified(h)).toHaveLength(expected);
      }),
      { numRuns: 60 },
    );
  });
});
