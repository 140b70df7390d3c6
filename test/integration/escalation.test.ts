import { asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tick } from '../../src/scheduler/tick.js';
import { reactToDelivered } from '../../src/service/inbound.js';
import { Service } from '../../src/service/service.js';
import { incidents, outbox, pageNotifications, pages, timers } from '../../src/store/tables.js';
import { testStore } from '../helpers/store.js';
import { harness, MINUTE } from '../helpers/harness.js';

// 2026-03-04 is a Wednesday: carol is primary, alice secondary, erin the manager (default policy).
const T0 = '2026-03-04T10:00:00Z';
const at = (min: number) => new Date(Date.parse(T0) + min * MINUTE);

async function notified(h: ReturnType<typeof harness>) {
  return (await h.db.select().from(pageNotifications).orderBy(asc(pageNotifications.id))).map((n) => ({ person: n.person, tier: n.tier + 1, cycle: n.cycle, at: n.notifiedAt.toISOString() }));
}

describe('escalation', () => {
  it('pages tier 1 at once, tier 2 at exactly +15m and tier 3 at exactly +30m', async () => {
    const h = harness({ start: T0 });
    expect((await h.run('bob', 'declare sev1 Checkout down')).ok).toBe(true);
    expect(await notified(h)).toEqual([{ person: 'carol', tier: 1, cycle: 0, at: at(0).toISOString() }]);

    await h.advance(15 * MINUTE - 1);
    expect(await notified(h)).toHaveLength(1);
    await h.advance(1);
    expect((await notified(h))[1]).toEqual({ person: 'alice', tier: 2, cycle: 0, at: at(15).toISOString() });

    await h.advance(15 * MINUTE);
    expect((await notified(h))[2]).toEqual({ person: 'erin', tier: 3, cycle: 0, at: at(30).toISOString() });
    // Each notified person got a DM with an Acknowledge button, and a mention in the incident channel.
    const dms = await h.posts((r) => r.destination.startsWith('dm:') && r.pageId !== null);
    expect(dms.map((r) => r.destination)).toEqual(['dm:carol', 'dm:alice', 'dm:erin']);
    expect((dms[0].body as { actions: { id: string }[] }).actions[0].id).toBe('ack');
    expect(await h.posts((r) => r.destination === 'incident' && r.pageId !== null)).toHaveLength(3);
  });

  it('acknowledging at +20m stops the escalation and stamps acknowledgedAt', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    await h.advance(20 * MINUTE);
    const r = await h.run('alice', 'ack');
    expect(r).toMatchObject({ ok: true });
    await h.advance(3 * 60 * MINUTE);
    expect((await notified(h)).map((n) => n.person)).toEqual(['carol', 'alice']);
    const inc = (await h.db.select().from(incidents))[0]!;
    expect(inc.acknowledgedAt?.toISOString()).toBe(at(20).toISOString());
    expect((await h.db.select().from(pages))[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });
  });

  it('repeats the tiers `repeat` times, then says the page is exhausted in the channel and announcements', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    await h.advance(10 * 60 * MINUTE);
    expect((await notified(h)).map((n) => `${n.person}@${n.tier}/${n.cycle}`)).toEqual([
      'carol@1/0', 'alice@2/0', 'erin@3/0', 'carol@1/1', 'alice@2/1', 'erin@3/1',
    ]);
    expect((await notified(h))[3].at).toBe(at(60).toISOString());
    expect((await h.db.select().from(pages))[0]!.status).toBe('exhausted');
    expect((await h.texts('incident')).some((t) => t.includes('Nobody acknowledged'))).toBe(true);
    expect((await h.texts('channel:announcements')).some((t) => t.includes('Nobody acknowledged'))).toBe(true);
    // Every copy of the page was rewritten without its button.
    const edits = await h.posts((r) => r.kind === 'edit');
    expect(edits.length).toBe(12);
    expect(edits.every((e) => !(e.body as { actions?: unknown[] }).actions)).toBe(true);
  });

  it('resolving cancels the page, and a late acknowledgement does not reopen it', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    await h.advance(5 * MINUTE);
    expect((await h.run('bob', 'resolve False alarm')).ok).toBe(true);
    const page = (await h.db.select().from(pages))[0]!;
    expect(page.status).toBe('cancelled');
    const pending = (await h.db.select().from(timers).where(eq(timers.status, 'pending')));
    expect(pending.filter((t) => t.kind !== 'postmortem_reminder' && t.incidentId !== null)).toEqual([]);
    const late = await h.svc.acknowledgePageById(h.as('carol'), page.id);
    expect(late.ok).toBe(false);
    expect(late.text).toMatch(/cancelled because the incident was resolved/);
    await h.advance(60 * MINUTE);
    expect((await h.db.select().from(pages))[0]!.status).toBe('cancelled');
    expect(await notified(h)).toHaveLength(1);
  });

  it('an acknowledge button pressed twice answers who already acknowledged', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    const page = (await h.db.select().from(pages))[0]!;
    expect((await h.svc.acknowledgePageById(h.as('carol'), page.id)).ok).toBe(true);
    const again = await h.svc.acknowledgePageById(h.as('alice'), page.id);
    expect(again).toMatchObject({ ok: false });
    expect(again.text).toMatch(/already acknowledged by Carol Chen/);
  });

  it('acknowledging by reaction on the DM edits every copy to say who and when', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    await h.advance(15 * MINUTE);
    // Pretend the dispatcher delivered alice's DM as console message 7.
    const dm = (await h.posts((r) => r.destination === 'dm:alice'))[0];
    await h.db.update((outbox)).set({ status: 'sent', refChannel: 'DM @alice', refId: '7' }).where(eq(outbox.id, dm.id));
    const r = await reactToDelivered(h.svc, h.as('alice'), 'console', { id: '7' }, 'white_check_mark');
    expect(r).toMatchObject({ ok: true });
    const edits = await h.posts((x) => x.kind === 'edit');
    // carol's DM, alice's DM and the two channel mentions.
    expect(edits).toHaveLength(4);
    for (const e of edits) expect((e.body as { text: string }).text).toMatch(/Acknowledged by Alice Archer at 2026-03-04 10:15/);
    expect(await reactToDelivered(h.svc, h.as('alice'), 'console', { id: '7' }, 'tada')).toBeNull();
  });

  it("Klaxon's automation off and safe mode on never stop pages or their escalation (SPEC §9)", async () => {
    const h = harness({ start: T0 });
    expect((await h.run('erin', 'automation off')).ok).toBe(true);
    expect((await h.run('erin', 'safe-mode on')).ok).toBe(true);
    await h.run('bob', 'declare sev1 Checkout down');
    expect((await notified(h)).map((n) => n.person)).toEqual(['carol']);
    await h.advance(15 * MINUTE);
    expect((await notified(h)).map((n) => n.person)).toEqual(['carol', 'alice']);
    await h.run('bob', 'declare sev3 Slow search');
    expect((await h.run('bob', 'severity #2 sev1')).ok).toBe(true);
    expect((await notified(h)).map((n) => n.person)).toEqual(['carol', 'alice', 'carol']);
  });

  it('a severity raise pages the new severity policy', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev3 Slow search');
    expect(await notified(h)).toEqual([]);
    expect((await h.run('bob', 'severity sev1')).ok).toBe(true);
    expect((await notified(h)).map((n) => n.person)).toEqual(['carol']);
  });

  it('raising to a severity that pages the same policy does not start a second page', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev2 Search is slow'); // sev2 and sev1 both page `default`
    await h.advance(5 * MINUTE);
    await h.run('bob', 'severity sev1');
    await h.advance(20 * MINUTE);
    expect((await notified(h)).map((n) => n.person)).toEqual(['carol', 'alice']);
    expect((await h.db.select().from(pages))).toHaveLength(1);
  });

  it('answering an exhausted page acknowledges the incident', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    await h.advance(3 * 60 * MINUTE);
    const page = (await h.db.select().from(pages))[0]!;
    expect(page.status).toBe('exhausted');
    const r = await h.svc.acknowledgePageById(h.as('erin'), page.id);
    expect(r).toMatchObject({ ok: true });
    expect((await h.db.select().from(incidents))[0]!.acknowledgedAt?.toISOString()).toBe(at(180).toISOString());
  });

  it('a timer that cannot run (a legacy page whose policy was edited away) is set aside and the others still fire', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    await h.run('bob', 'declare sev3 Slow search');
    // A page from before pages kept their plan reads the live policy, and the escalation policy it
    // walks disappears from it (an edit and restart).
    await h.db.update(pages).set({ plan: null }).where(eq(pages.incidentId, 1));
    const edited = { ...h.policy, escalation_policies: {} };
    const svc = new Service({ ...h.svc.deps, policy: edited });
    h.clock.set(at(15));
    await tick(svc); // a rejection fails the test
    const failed = (await h.db.select().from(timers).where(eq(timers.status, 'failed')));
    expect(failed.map((t) => t.kind)).toEqual(['escalate']);
    expect((await h.db.select().from(timers).where(eq(timers.status, 'pending'))).some((t) => t.dueAt <= at(15))).toBe(false);
    // A person is told in the incident's channel that escalation stopped, ahead of other posts.
    const notice = await h.posts((r) => r.destination === 'incident' && String((r.body as { text: string }).text).includes('set aside'));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ incidentId: 1, priority: 0 });
    expect(String((notice[0].body as { text: string }).text)).toMatch(/^⚠️ Escalation of this page: the next tier due .* could not run/);
  });

  it('after downtime, every missed step fires once, in order, and says how late it is', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    // Klaxon is down from +1m to +40m: no ticks. Tier 2 (+15m) and tier 3 (+30m) fell due meanwhile.
    h.clock.set(at(40));
    await tick(h.svc);
    await tick(h.svc);
    expect((await notified(h)).map((n) => `${n.person}@${n.tier}`)).toEqual(['carol@1', 'alice@2', 'erin@3']);
    const dms = (await h.texts()).filter((t) => t.includes('late by'));
    expect(dms.some((t) => t.includes('late by 25m'))).toBe(true);
    expect(dms.some((t) => t.includes('late by 10m'))).toBe(true);
    // The next step is still timed from when tier 3 should have fired (+30m + 30m).
    const next = (await h.db.select().from(timers).where(eq(timers.status, 'pending'))).find((t) => t.kind === 'escalate')!;
    expect(next.dueAt.toISOString()).toBe(at(60).toISOString());
  });

  it('a crash before a timer commits leaves no trace, and the retry fires it once', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    h.clock.set(at(15));
    await expect(tick(h.svc, { crashBeforeCommit: (t) => t.kind === 'escalate' })).rejects.toThrow(/injected crash/);
    expect(await notified(h)).toHaveLength(1);
    await tick(h.svc);
    await tick(h.svc);
    expect((await notified(h)).map((n) => n.person)).toEqual(['carol', 'alice']);
  });

  it('property: the tiers notified are exactly those whose start came before the acknowledgement', async () => {
    // Tier starts for the default policy: 0, 15, 30 and (second round) 60, 75, 90 minutes; exhausted at 120.
    const starts = [0, 15, 30, 60, 75, 90].map((m) => m * MINUTE);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 130 * MINUTE }).filter((t) => !starts.includes(t) && t !== 120 * MINUTE), async (ackAfter) => {
        const h = harness({ start: T0 });
        await h.run('bob', 'declare sev1 Checkout down');
        await h.advance(ackAfter);
        await h.run('erin', 'ack');
        await h.advance(200 * MINUTE);
        const expected = starts.filter((s) => s < ackAfter).length;
        expect(await notified(h)).toHaveLength(expected);
      }),
      // The property is about escalation, not the store: PostgreSQL's run (a database emptied over
      // the network per run) checks fewer cases.
      { numRuns: testStore() === 'postgres' ? 20 : 60 },
    );
  });
});
