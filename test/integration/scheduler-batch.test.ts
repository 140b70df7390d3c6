// A tick fires its due timers in one transaction without a savepoint per timer. When one of them
// fails for good in the middle of the batch, the timers before and after it still fire, each
// exactly once (nothing the failed attempt wrote survives), and the failing one is set aside once.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tickDetailed } from '../../src/scheduler/tick.js';
import { Service } from '../../src/service/service.js';
import { pages, timelineEvents, timers } from '../../src/store/tables.js';
import { harness, MINUTE } from '../helpers/harness.js';

const T0 = '2026-03-04T10:00:00Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * MINUTE);

describe('one tick, one failing timer in its batch', () => {
  it('fires every other due timer exactly once and sets the failing one aside once', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev2 Search is slow'); // #1: escalation +15m, acknowledge target +30m, nudge +1h
    await h.run('bob', 'declare sev1 Checkout down'); // #2: escalation +15m, acknowledge target +15m, nudge +30m
    await h.run('bob', 'declare sev2 Billing lags'); // #3: like #1
    // #2's page is from before pages kept their plan, and the escalation policy it walks was edited
    // away: its escalation step throws every time it runs, half-way through the batch. The other
    // pages escalate from their own plans.
    await h.db.update(pages).set({ plan: null }).where(eq(pages.incidentId, 2));
    const svc = new Service({ ...h.svc.deps, policy: { ...h.policy, escalation_policies: {} } });
    h.clock.set(at(70));
    const due = (await h.db.select().from(timers).where(eq(timers.status, 'pending')))
      .filter((t) => t.dueAt <= at(70))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
    const bad = due.filter((t) => t.kind === 'escalate' && t.incidentId === 2);
    expect(bad).toHaveLength(1);
    // The batch fires in due order: timers before the bad one and after it.
    expect(due.indexOf(bad[0])).toBeGreaterThan(0);
    expect(due.indexOf(bad[0])).toBeLessThan(due.length - 1);

    expect(await tickDetailed(svc)).toEqual({ fired: due.length - 1, deferred: 0 });

    const after = new Map((await h.db.select().from(timers)).map((t) => [t.id, t.status]));
    expect(due.map((t) => `${t.kind}:${after.get(t.id)}`)).toEqual(due.map((t) => `${t.kind}:${t.id === bad[0].id ? 'failed' : 'done'}`));
    // Each incident was nudged once and told once that its acknowledge target was missed.
    const events = await h.db.select().from(timelineEvents);
    const count = (kind: string) => [1, 2, 3].map((id) => events.filter((e) => e.incidentId === id && e.kind === kind).length);
    expect(count('nudge')).toEqual([1, 1, 1]);
    expect(count('target_missed:acknowledge')).toEqual([1, 1, 1]);
    const nudges = await h.posts((r) => r.kind === 'post' && String((r.body as { title?: string }).title).startsWith('Update due'));
    expect(nudges.map((r) => r.incidentId).sort()).toEqual([1, 2, 3]);
    // The failing step wrote nothing (no second tier paged) and its notice went out once.
    const notices = await h.posts((r) => String((r.body as { text: string }).text).includes('set aside'));
    expect(notices.map((r) => r.incidentId)).toEqual([2]);
    expect(events.filter((e) => e.kind === 'scheduler').map((e) => e.incidentId)).toEqual([2]);
  });
});
