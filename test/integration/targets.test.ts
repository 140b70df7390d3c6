// Response targets, driven by a fake clock. The default policy's business calendar is London,
// Mon–Fri 09:00–17:30 (8.5h a day), holidays 2026-12-25 and 2026-12-28.
//   sev1: acknowledge 15m, resolve 4h · sev2: 30m, 1d · sev3: 4 business hours, 3 business days
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getIncident } from '../../src/service/incident-view.js';
import { renderPostmortem } from '../../src/service/postmortem-draft.js';
import { checkTarget } from '../../src/service/targets.js';
import { incidents, timers } from '../../src/store/tables.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';

type H = ReturnType<typeof harness>;

const missedIn = async (h: H, destination: string) => (await h.texts(destination)).filter((t) => t.startsWith('⚠️'));
const missedAt = async (h: H) =>
  (await h.posts((r) => r.destination === 'incident' && String((r.body as { title?: string }).title).startsWith('Target missed'))).map((r) => r.createdAt.toISOString());
const counted = async (h: H, id = 1) => (await h.db.select().from(incidents).where(eq(incidents.id, id)))[0]!.targetsMissed;

describe('targets in business time', () => {
  it('Sev 3 across a weekend and two holidays: acknowledge by Tue 10:30, resolve by Thu 15:00', async () => {
    // Thursday 24 December 2026, 15:00 GMT. Christmas Day (Fri) and the 28th (Mon) are holidays.
    const h = harness({ start: '2026-12-24T15:00:00Z' });
    await h.run('alice', 'declare sev3 CSV export drops rows');
    // 4 business hours: 2.5h on Thursday, then 1.5h from Tuesday 09:00.
    await h.advance(Date.parse('2026-12-29T10:30:00Z') - Date.parse('2026-12-24T15:00:00Z') - 1);
    expect(await missedAt(h)).toEqual([]);
    await h.advance(1);
    expect(await missedAt(h)).toEqual(['2026-12-29T10:30:00.000Z']);
    // 3 business days = 25.5 business hours: 2.5 Thu + 8.5 Tue + 8.5 Wed + 6 Thu 31st → 15:00.
    h.clock.set('2026-12-31T14:59:59Z');
    await h.advance(0);
    expect(await missedAt(h)).toHaveLength(1);
    await h.advance(1000);
    expect(await missedAt(h)).toEqual(['2026-12-29T10:30:00.000Z', '2026-12-31T15:00:00.000Z']);
    const [ack, res] = await missedIn(h, 'incident');
    expect(ack).toBe('⚠️ Incident #1 (SEV3 - CSV export drops rows) missed its 4 business hours acknowledgement target by less than a minute.');
    expect(res).toBe('⚠️ Incident #1 (SEV3 - CSV export drops rows) missed its 3 business days resolution target by less than a minute.');
    // Posted once in announcements too, and counted.
    expect(await missedIn(h, 'channel:announcements')).toEqual([ack, res]);
    expect(await counted(h)).toBe(2);
    // Nothing more however long it stays open.
    await h.advance(30 * 24 * HOUR);
    expect(await missedIn(h, 'incident')).toHaveLength(2);
    expect(await counted(h)).toBe(2);
  });

  it('a plain weekend: declared Friday 16:00, 4 business hours run to Monday 11:30', async () => {
    const h = harness({ start: '2026-03-06T16:00:00Z' });
    await h.run('alice', 'declare sev3 Docs search broken');
    await h.advance(4 * 24 * HOUR);
    expect((await missedAt(h))[0]).toBe('2026-03-09T11:30:00.000Z');
  });
});

describe('acknowledging a severity that pages nobody', () => {
  it("runbook 000's Sev 3: `ack` meets the 4 business hours target; a second ack is refused", async () => {
    const h = harness({ policy: 'examples/policies/000-support-runbook.yaml', start: '2026-03-06T16:00:00Z' }); // Friday
    await h.run('maya', 'declare sev3 Example app broken');
    // 4 business hours on 000's 09:00–17:00 calendar: 1h on Friday, 3h on Monday → Monday 12:00.
    await h.advance(3 * 24 * HOUR - 5 * HOUR); // Monday 11:00
    expect((await h.run('noah', 'ack')).text).toBe('Acknowledged #1.');
    expect((await h.db.select().from(incidents).where(eq(incidents.id, 1)))[0]!.acknowledgedAt!.toISOString()).toBe('2026-03-09T11:00:00.000Z');
    await h.advance(5 * 24 * HOUR);
    // Only the resolve target (3 business days → Wednesday 16:00) is missed.
    expect(await missedAt(h)).toEqual(['2026-03-11T16:00:00.000Z']);
    expect((await missedIn(h, 'incident'))[0]).toContain('3 business days resolution');
    expect((await h.run('noah', 'ack')).text).toMatch(/no open page to acknowledge/);
  });
});

describe('wall-clock targets', () => {
  it('an acknowledgement in time is not a miss; a late resolution is posted once and counted', async () => {
    const h = harness();
    await h.run('alice', 'declare sev1 Checkout down');
    await h.advance(10 * MINUTE);
    expect((await h.run('bob', 'ack')).ok).toBe(true);
    await h.advance(4 * HOUR - 10 * MINUTE - 1);
    expect(await missedAt(h)).toEqual([]);
    await h.advance(1);
    expect(await missedAt(h)).toEqual(['2026-03-04T14:00:00.000Z']);
    expect((await missedIn(h, 'incident'))[0]).toContain('missed its 4h resolution target');
    expect(await counted(h)).toBe(1);
  });

  it('resolving before a deadline cancels its timer', async () => {
    const h = harness();
    await h.run('alice', 'declare sev1 Checkout down');
    await h.run('bob', 'ack');
    await h.advance(HOUR);
    await h.run('alice', 'resolve Rolled back');
    await h.advance(24 * HOUR);
    expect(await missedAt(h)).toEqual([]);
    expect(await counted(h)).toBe(0);
    expect((await h.db.select().from(timers)).filter((t) => t.kind.startsWith('target_') && t.status === 'pending')).toEqual([]);
  });

  it('a severity change recomputes the deadlines but never posts the same missed target twice', async () => {
    const h = harness();
    await h.run('alice', 'declare sev2 Search is slow');
    await h.advance(30 * MINUTE); // sev2 acknowledge target (30m) missed
    expect(await missedIn(h, 'incident')).toHaveLength(1);
    await h.advance(10 * MINUTE);
    await h.run('alice', 'severity sev1'); // sev1's 15m acknowledge target is long gone: not posted again
    await h.run('alice', 'severity sev2');
    await h.run('alice', 'severity sev1');
    await h.advance(0);
    expect(await missedIn(h, 'incident')).toHaveLength(1);
    // sev1's resolve target now runs 4h from the declaration, not sev2's 1d.
    await h.advance(4 * HOUR - 40 * MINUTE);
    expect(await missedAt(h)).toEqual(['2026-03-04T10:30:00.000Z', '2026-03-04T14:00:00.000Z']);
    await h.run('alice', 'severity sev2'); // back to 1d: the resolve target is already missed
    await h.advance(2 * 24 * HOUR);
    expect(await missedIn(h, 'incident')).toHaveLength(2);
    expect(await missedIn(h, 'channel:announcements')).toHaveLength(2);
    expect(await counted(h)).toBe(2);
  });

  it('a raise past the new deadline posts the miss at once, saying how late', async () => {
    const h = harness();
    await h.run('alice', 'declare sev3 Reports are slow');
    await h.advance(5 * HOUR);
    await h.run('alice', 'severity sev1');
    await h.advance(0);
    const posts = await missedIn(h, 'incident');
    expect(posts.some((t) => t.includes('missed its 4h resolution target by 1h.'))).toBe(true);
  });

  it('a duplicate or replayed timer does not post or count again', async () => {
    const h = harness();
    await h.run('alice', 'declare sev1 Checkout down');
    await h.advance(15 * MINUTE);
    expect(await counted(h)).toBe(1);
    await h.svc.transact((ctx) => checkTarget(ctx, 1, 'acknowledge'));
    await h.svc.transact((ctx) => checkTarget(ctx, 1, 'acknowledge'));
    expect(await counted(h)).toBe(1);
    expect(await missedIn(h, 'incident')).toHaveLength(1);
  });

  it('safe mode keeps the miss in the incident channel and holds back the announcement', async () => {
    const h = harness();
    await h.run('alice', 'declare sev1 Checkout down');
    await h.run('erin', 'safe-mode on');
    await h.advance(15 * MINUTE);
    expect(await missedIn(h, 'incident')).toHaveLength(1);
    expect(await missedIn(h, 'channel:announcements')).toHaveLength(0);
    expect(await counted(h)).toBe(1);
  });
});

describe('the mitigate target', () => {
  const yaml = (targets: string) => `
timezone: UTC
people: { ana: { name: Ana } }
severities:
  - { id: sev1, description: Outage, targets: ${targets} }
`;

  it('is missed once when nothing was mitigated in time, and counted', async () => {
    const h = harness({ yaml: yaml('{ mitigate: 1h }') });
    await h.run('ana', 'declare sev1 Checkout down');
    await h.advance(HOUR - 1);
    expect(await missedAt(h)).toEqual([]);
    await h.advance(1);
    expect(await missedAt(h)).toEqual(['2026-03-04T11:00:00.000Z']);
    expect(await missedIn(h, 'incident')).toEqual(['⚠️ Incident #1 (sev1 - Checkout down) missed its 1h mitigation target by less than a minute.']);
    await h.run('ana', 'mitigate Rolled back');
    await h.advance(48 * HOUR);
    expect(await missedAt(h)).toHaveLength(1);
    expect(await counted(h)).toBe(1);
    expect(await renderPostmortem(h.db, h.policy, (await getIncident(h.db, 1))!, h.clock.now())).toContain('- **Mitigate target (1h):** missed');
  });

  it('`mitigate` (or an update to monitoring) in time meets it: no miss, no pending timer', async () => {
    const h = harness({ yaml: yaml('{ mitigate: 1h, resolve: 1d }') });
    await h.run('ana', 'declare sev1 Checkout down');
    await h.advance(40 * MINUTE);
    await h.run('ana', 'update monitoring Traffic is back on the old build');
    expect((await h.db.select().from(timers)).filter((t) => t.kind === 'target_mitigate' && t.status === 'pending')).toEqual([]);
    await h.advance(2 * HOUR);
    expect(await missedAt(h)).toEqual([]);
    await h.run('ana', 'resolve Fixed');
    expect((await h.run('ana', 'stats')).text).toContain('MTTM 40m');
    expect(await renderPostmortem(h.db, h.policy, (await getIncident(h.db, 1))!, h.clock.now())).toContain('- **Mitigate target (1h):** met');
  });
});

describe('calendar-deadline targets', () => {
  it('"next business day" declared Monday 08:00 is missed at Tuesday 17:00, not Monday 17:00', async () => {
    const h = harness({
      start: '2026-01-12T08:00:00Z',
      yaml: `
timezone: Europe/London
business_hours: { start: "09:00", end: "17:00" }
people: { ana: { name: Ana } }
severities:
  - { id: sev4, description: Minor, targets: { acknowledge: next business day, resolve: by 12:00 on the next business day } }
`,
    });
    await h.run('ana', 'declare sev4 Typo on the pricing page');
    await h.advance(3 * 24 * HOUR);
    expect(await missedAt(h)).toEqual(['2026-01-13T12:00:00.000Z', '2026-01-13T17:00:00.000Z']);
    expect((await missedIn(h, 'incident'))[1]).toContain('missed its next business day acknowledgement target');
  });
});
