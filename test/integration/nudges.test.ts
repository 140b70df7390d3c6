// Update nudges, driven by a fake clock: the cadence per severity and status (runbook 002: 15m
// while investigating or identified, 45m once monitoring), reset by an update, recomputed on a
// severity or status change, stopped by resolve, and never silenced by the kill switches.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { timers } from '../../src/store/tables.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';

type H = ReturnType<typeof harness>;

/** Minutes after `t0` at which the incident channel was nudged. */
async function nudgeMinutes(h: H, t0: number): Promise<number[]> {
  return (await h
    .posts((r) => r.kind === 'post' && r.destination === 'incident' && String((r.body as { title?: string }).title).startsWith('Update due')))
    .map((r) => (r.createdAt.getTime() - t0) / MINUTE);
}

const nudgeTexts = async (h: H) => (await h.texts('incident')).filter((t) => t.startsWith('⏰'));

const pendingNudges = async (h: H) => (await h.db.select().from(timers).where(and(eq(timers.kind, 'nudge'), eq(timers.status, 'pending'))));

describe('update nudges (runbook 002: by status)', () => {
  const policy = 'examples/policies/002-on-call-escalation.yaml';

  it('nudges every 15m while investigating, mentioning the commander with the exact command', async () => {
    const h = harness({ policy });
    const t0 = h.clock.now().getTime();
    await h.run('ana', 'declare sev1 Webhooks failing');
    await h.advance(15 * MINUTE - 1);
    expect(await nudgeMinutes(h, t0)).toEqual([]);
    await h.advance(1);
    expect(await nudgeMinutes(h, t0)).toEqual([15]);
    const [text] = await nudgeTexts(h);
    expect(text).toContain('@ana');
    expect(text).toContain('`update #1 <text>`');
    // Again each interval while nobody posts an update.
    await h.advance(30 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([15, 30, 45]);
    expect(await pendingNudges(h)).toHaveLength(1);
  });

  it('mentions the comms lead rather than the commander once there is one', async () => {
    const h = harness({ policy });
    await h.run('ana', 'declare sev1 Webhooks failing');
    await h.run('ana', 'role comms @sol');
    await h.advance(15 * MINUTE);
    const [text] = await nudgeTexts(h);
    expect(text).toMatch(/^⏰ @sol:/);
    expect(text).not.toContain('@ana');
  });

  it('a fired nudge leaves exactly one pending nudge, whatever stale nudge timers it finds', async () => {
    const h = harness({ policy });
    const t0 = h.clock.now().getTime();
    await h.run('ana', 'declare sev1 Webhooks failing');
    // Stale nudge timers due far ahead, as an older version (or a hand edit) could leave: one,
    // then (after the first nudge) two more.
    const stale = (n: number) =>
      h.db.insert(timers).values(Array.from({ length: n }, () => ({ kind: 'nudge', dueAt: new Date(t0 + 24 * HOUR), incidentId: 1, createdAt: new Date(t0) })));
    await stale(1);
    await h.advance(15 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([15]);
    expect((await pendingNudges(h)).map((t) => t.dueAt.getTime() - t0)).toEqual([30 * MINUTE]);
    await stale(2);
    await h.advance(15 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([15, 30]);
    expect((await pendingNudges(h)).map((t) => t.dueAt.getTime() - t0)).toEqual([45 * MINUTE]);
  });

  it('an update resets the clock; reaching monitoring relaxes it to 45m; identified keeps 15m', async () => {
    const h = harness({ policy });
    const t0 = h.clock.now().getTime();
    await h.run('ana', 'declare sev1 Webhooks failing');
    await h.advance(10 * MINUTE);
    await h.run('ana', 'update investigating Looking at ingress logs');
    await h.advance(14 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([]); // would have been 15 without the update
    await h.advance(1 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([25]);
    await h.advance(2 * MINUTE); // t0+27
    await h.run('ana', 'update identified Bad certificate on the LB');
    await h.advance(15 * MINUTE); // t0+42: 15m after the identified update
    expect(await nudgeMinutes(h, t0)).toEqual([25, 42]);
    await h.advance(3 * MINUTE); // t0+45
    await h.run('ana', 'mitigate Rotated the certificate');
    await h.advance(44 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([25, 42]);
    await h.advance(1 * MINUTE); // t0+90 = mitigation + 45m
    expect(await nudgeMinutes(h, t0)).toEqual([25, 42, 90]);
    await h.advance(45 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([25, 42, 90, 135]);
    // The update template promises the next update on the same clock the nudge uses.
    const lastUpdate = (await h.texts('incident')).filter((t) => t.startsWith('📊')).at(-1)!;
    expect(lastUpdate).toContain('Next Update: 2026-03-04 11:30 UTC');
  });

  it('a status change back to investigating tightens the cadence again', async () => {
    const h = harness({ policy });
    const t0 = h.clock.now().getTime();
    await h.run('ana', 'declare sev1 Webhooks failing');
    await h.run('ana', 'mitigate Failover done');
    await h.advance(20 * MINUTE);
    await h.run('ana', 'update investigating It is back');
    await h.advance(15 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([35]);
  });

  it('resolve stops the nudges and leaves no nudge timer behind', async () => {
    const h = harness({ policy });
    const t0 = h.clock.now().getTime();
    await h.run('ana', 'declare sev1 Webhooks failing');
    await h.advance(15 * MINUTE);
    await h.run('ana', 'resolve Certificate rotated');
    expect(await pendingNudges(h)).toHaveLength(0);
    await h.advance(6 * HOUR);
    expect(await nudgeMinutes(h, t0)).toEqual([15]);
  });

  it('safe mode and automation off do not silence nudges inside the incident channel', async () => {
    const h = harness({ policy });
    const t0 = h.clock.now().getTime();
    await h.run('ana', 'declare sev1 Webhooks failing');
    expect((await h.run('ana', 'safe-mode on')).ok).toBe(true);
    expect((await h.run('ana', 'automation off')).ok).toBe(true);
    await h.advance(30 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([15, 30]);
  });

  it('a severity with no cadence is never nudged', async () => {
    const h = harness({ policy });
    await h.run('ana', 'declare sev3 Typo in a template');
    await h.advance(3 * 24 * HOUR);
    expect(await nudgeTexts(h)).toEqual([]);
    expect(await pendingNudges(h)).toHaveLength(0);
  });
});

describe('update nudges across severity changes (default policy: sev1 30m, sev2 1h, sev3 1d, sev4 none)', () => {
  it('raising the severity recomputes the next nudge from the last update', async () => {
    const h = harness();
    const t0 = h.clock.now().getTime();
    await h.run('alice', 'declare sev2 Search is slow');
    await h.advance(20 * MINUTE);
    await h.run('alice', 'severity sev1');
    await h.advance(10 * MINUTE); // t0+30: 30m after the last update (the declaration)
    expect(await nudgeMinutes(h, t0)).toEqual([30]);
    await h.advance(30 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([30, 60]);
  });

  it('a raise long after the last update nudges at once, then one new interval after that nudge', async () => {
    const h = harness();
    const t0 = h.clock.now().getTime();
    await h.run('alice', 'declare sev2 Search is slow');
    await h.advance(60 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([60]);
    await h.advance(10 * MINUTE); // t0+70, 10m after the sev2 nudge
    await h.run('alice', 'severity sev1');
    await h.advance(0);
    // Not again at t0+70: a nudge went out 10m ago, so the next is 30m after it.
    expect(await nudgeMinutes(h, t0)).toEqual([60]);
    await h.advance(20 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([60, 90]);
  });

  it('lowering the severity pushes the nudge out; lowering to one without a cadence stops it', async () => {
    const h = harness();
    const t0 = h.clock.now().getTime();
    await h.run('alice', 'declare sev1 Checkout errors');
    await h.advance(20 * MINUTE);
    await h.run('alice', 'severity sev2');
    await h.advance(40 * MINUTE - 1);
    expect(await nudgeMinutes(h, t0)).toEqual([]);
    await h.advance(1);
    expect(await nudgeMinutes(h, t0)).toEqual([60]);
    await h.run('alice', 'severity sev4');
    expect(await pendingNudges(h)).toHaveLength(0);
    await h.advance(2 * 24 * HOUR);
    expect(await nudgeMinutes(h, t0)).toEqual([60]);
  });

  it('a nudge timer that fires late (Klaxon was down) nudges once, then one interval later', async () => {
    const h = harness();
    const t0 = h.clock.now().getTime();
    await h.run('alice', 'declare sev1 Checkout errors');
    // Down for 2h: four nudges fell due; only one is posted, at restart.
    h.clock.advance(2 * HOUR);
    await h.advance(0);
    expect(await nudgeMinutes(h, t0)).toEqual([120]);
    await h.advance(30 * MINUTE);
    expect(await nudgeMinutes(h, t0)).toEqual([120, 150]);
  });
});

describe('daily and business-time cadences', () => {
  it("runbook 000's Sev 3: an update a day, at 10:00 on business days", async () => {
    const h = harness({ policy: 'examples/policies/000-support-runbook.yaml' }); // Wednesday 10:00
    const t0 = h.clock.now().getTime();
    await h.run('maya', 'declare sev3 Example app broken');
    await h.advance(6 * 24 * HOUR);
    // Thursday, Friday, (weekend), Monday, Tuesday at 10:00.
    expect(await nudgeMinutes(h, t0)).toEqual([24 * 60, 48 * 60, 120 * 60, 144 * 60]);
  });

  it('a business-time cadence waits over the weekend and the holiday', async () => {
    const h = harness({
      start: '2026-12-24T15:00:00Z', // Thursday; London is on GMT
      yaml: `
timezone: Europe/London
business_hours: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00", holidays: ["2026-12-25", "2026-12-28"] }
people: { alice: { name: Alice } }
severities:
  - id: sev3
    description: Degraded with a workaround
    updates: { every: 4 business hours }
`,
    });
    await h.run('alice', 'declare sev3 Exports slow');
    // Thu 15:00 + 4 business hours: 2h on Thursday, Fri 25th and Mon 28th are holidays,
    // so 2h more on Tuesday 29th: 11:00.
    await h.advance(6 * 24 * HOUR); // to Wednesday 30th 15:00
    const at = (await h
      .posts((r) => String((r.body as { title?: string }).title).startsWith('Update due')))
      .map((r) => r.createdAt.toISOString());
    expect(at[0]).toBe('2026-12-29T11:00:00.000Z');
    // Then every 4 business hours: Tue 15:00, Wed 11:00, Wed 15:00.
    expect(at.slice(1, 4)).toEqual(['2026-12-29T15:00:00.000Z', '2026-12-30T11:00:00.000Z', '2026-12-30T15:00:00.000Z']);
  });
});

describe('updates at fixed times ("twice daily")', () => {
  // Europe/London, business days Mon–Fri. 2026-03-04 is a Wednesday (GMT).
  const yaml = (updates: string) => `
timezone: Europe/London
people: { ana: { name: Ana } }
severities:
  - { id: sev3, description: Degraded, updates: ${updates} }
`;
  const nudgedAt = async (h: H) =>
    (await h.posts((r) => r.kind === 'post' && r.destination === 'incident' && String((r.body as { title?: string }).title).startsWith('Update due'))).map((r) => r.createdAt.toISOString().slice(5, 16));

  it('declared at 04:30: no nudge at 04:30 or overnight, first at 10:00, then 16:00, skipping the weekend', async () => {
    const h = harness({ yaml: yaml('{ at: ["10:00", "16:00"], days: business }'), start: '2026-03-05T04:30:00Z' }); // Thursday
    await h.run('ana', 'declare sev3 Exports slow');
    await h.advance(10 * MINUTE);
    expect(await nudgedAt(h)).toEqual([]);
    await h.advance(4 * 24 * HOUR + 6 * HOUR); // to Monday 10:40
    expect(await nudgedAt(h)).toEqual(['03-05T10:00', '03-05T16:00', '03-06T10:00', '03-06T16:00', '03-09T10:00']);
  });

  it('an update before a fixed time counts for it; the next nudge is the following fixed time', async () => {
    const h = harness({ yaml: yaml('{ at: ["10:00", "16:00"] }'), start: '2026-03-04T08:00:00Z' });
    await h.run('ana', 'declare sev3 Exports slow');
    await h.advance(90 * MINUTE); // 09:30
    await h.run('ana', 'update Found the slow query');
    expect((await h.texts('incident')).at(-1)).toContain('Next Update: 2026-03-04 16:00 GMT');
    await h.advance(7 * HOUR); // 16:30
    expect(await nudgedAt(h)).toEqual(['03-04T16:00']);
  });

  it('days: all nudges on the weekend too', async () => {
    const h = harness({ yaml: yaml('{ at: ["10:00"], days: all }'), start: '2026-03-06T12:00:00Z' }); // Friday
    await h.run('ana', 'declare sev3 Exports slow');
    await h.advance(2 * 24 * HOUR);
    expect(await nudgedAt(h)).toEqual(['03-07T10:00', '03-08T10:00']);
  });

  it('check-policy refuses every and at together, and a bad time of day', () => {
    expect(() => harness({ yaml: yaml('{ every: 1h, at: ["10:00"] }') })).toThrow(/severities\[0\]\.updates\.at: give either every \(an interval\) or at \(fixed times of day\), not both/);
    expect(() => harness({ yaml: yaml('{ at: ["25:00"] }') })).toThrow(/severities\[0\]\.updates\.at\[0\]: "25:00" is not a time of day/);
  });
});
