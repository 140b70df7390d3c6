import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidents, outbox, roleAssignments, timelineEvents } from '../../src/store/schema.js';
import { harness, MINUTE } from '../helpers/harness.js';

const count = (h: ReturnType<typeof harness>) => ({
  incidents: h.db.select().from(incidents).all().length,
  outbox: h.db.select().from(outbox).all().length,
  timeline: h.db.select().from(timelineEvents).all().length,
});

describe('incident lifecycle', () => {
  it('numbers incidents sequentially and walks investigating → identified → monitoring → resolved', () => {
    const h = harness();
    expect(h.run('alice', '/incident declare sev2 Search is slow').text).toBe('Declared #1 (sev2): Search is slow');
    expect(h.run('alice', 'declare critical Checkout down').text).toBe('Declared #2 (sev1): Checkout down');
    expect(h.run('bob', 'update #2 identified Bad deploy found').ok).toBe(true);
    h.clock.advance(10 * MINUTE);
    expect(h.run('bob', 'mitigate #2 Rolled back').ok).toBe(true);
    const mitigatedAt = h.db.select().from(incidents).where(eq(incidents.id, 2)).get()!.mitigatedAt;
    h.clock.advance(5 * MINUTE);
    h.run('bob', 'update #2 monitoring Error rate back to normal');
    const inc = h.db.select().from(incidents).where(eq(incidents.id, 2)).get()!;
    expect(inc.status).toBe('monitoring');
    // mitigatedAt is stamped the first time monitoring is reached, not moved by later updates.
    expect(inc.mitigatedAt).toEqual(mitigatedAt);
    expect(h.run('bob', 'resolve #2 Rolled back the release').ok).toBe(true);
    const done = h.db.select().from(incidents).where(eq(incidents.id, 2)).get()!;
    expect(done.status).toBe('resolved');
    expect(done.summary).toBe('Rolled back the release');
    const resolved = h.texts('incident').find((t) => t.startsWith('✅ RESOLVED'))!;
    expect(resolved).toContain('Duration: 15m');
  });

  it('a resolved incident refuses updates with a clear message and changes nothing', () => {
    const h = harness();
    h.run('alice', 'declare sev2 Search is slow');
    h.run('alice', 'resolve Cache warmed');
    const before = count(h);
    const r = h.run('alice', 'update #1 still slow?');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/#1 is resolved; it takes no more updates/);
    expect(count(h)).toEqual(before);
  });

  it('asks which incident when several are open and none is named', () => {
    const h = harness();
    h.run('alice', 'declare sev3 One');
    h.run('alice', 'declare sev3 Two');
    const r = h.run('alice', 'update identified found it');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/Which incident\? Open: #1, #2/);
    // Inside an incident's channel the number may be left out.
    expect(h.svc.run(h.as('alice'), 'update identified found it', { incident: 2 }).ok).toBe(true);
  });

  it('bad input answers the caller with the right form and stores nothing', () => {
    const h = harness();
    h.run('alice', 'declare sev3 Something');
    const before = count(h);
    for (const [text, pattern] of [
      ['declare sev9', /title|Unknown severity/],
      ['severity #1 sev9', /Unknown severity "sev9"/],
      ['role #1 pilot @bob', /Unknown role "pilot"/],
      ['role #1 commander @nobody', /Nobody called "nobody"/],
      ['update #7 hello', /no incident #7/],
      ['frobnicate', /Usage/],
      ['page #1 nosuchthing', /Nothing called "nosuchthing"/],
    ] as const) {
      const r = h.run('alice', text);
      expect(r.ok, text).toBe(false);
      expect(r.text, text).toMatch(pattern);
    }
    expect(count(h)).toEqual(before);
  });

  it('assigns roles from the policy and keeps the channel topic following changes', () => {
    const h = harness();
    h.run('alice', 'declare sev2 Search is slow');
    expect(h.run('alice', 'role commander @bob').ok).toBe(true);
    expect(h.run('alice', 'role Comms @carol').ok).toBe(true);
    const roles = h.db.select().from(roleAssignments).orderBy(asc(roleAssignments.role)).all().map((r) => `${r.role}=${r.person}`);
    expect(roles).toEqual(['commander=bob', 'comms=carol']);
    h.run('bob', 'severity sev1');
    const topics = h.posts((r) => r.kind === 'topic').map((r) => (r.body as { text: string }).text);
    expect(topics.at(-1)).toBe('SEV1 · investigating · commander Bob Baker · comms Carol Chen');
    expect(h.run('alice', 'status').text).toMatch(/commander: Bob Baker\ncomms: Carol Chen/);
  });

  it('enforces permissions from the policy with a clear refusal', () => {
    const h = harness();
    h.run('alice', 'declare sev2 Search is slow');
    const r = h.svc.run({ id: 'slack:U999', name: 'Visitor', platform: 'slack' }, 'resolve #1 done');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/not allowed to resolve: it needs membership of "responders"/);
    expect(h.db.select().from(incidents).get()!.status).toBe('investigating');
    expect(h.run('alice', 'safe-mode on').text).toMatch(/not allowed to safe-mode/);
    expect(h.run('erin', 'safe-mode on').ok).toBe(true);
    // Anyone may declare, even someone who is not in the policy; they are recorded by platform ID.
    const d = h.svc.run({ id: 'slack:U999', name: 'Visitor', platform: 'slack' }, 'declare sev3 Typo on pricing page');
    expect(d.ok).toBe(true);
    expect(h.db.select().from(incidents).where(eq(incidents.id, 2)).get()!.declaredBy).toBe('slack:U999');
  });

  it('posting or completing a postmortem needs the postmortem permission', () => {
    const h = harness({
      yaml: `
people: { ann: { name: Ann }, bo: { name: Bo } }
groups: { leads: [ann] }
permissions: { postmortem: [leads] }
severities: [{ id: p1, description: Big, postmortem: { required: true } }]
`,
    });
    h.run('ann', 'declare p1 Database on fire');
    h.run('ann', 'resolve Disk freed');
    expect(h.run('bo', 'postmortem #1').text).toMatch(/not allowed to postmortem/);
    expect(h.run('bo', 'postmortem #1 done https://wiki/pm1').ok).toBe(false);
    expect(h.run('ann', 'postmortem #1 done https://wiki/pm1').ok).toBe(true);
  });

  it('renders messages from the policy templates', () => {
    const h = harness({
      yaml: `
timezone: UTC
people: { ann: { name: Ann } }
severities:
  - { id: p1, description: Big }
templates:
  declared: "NEW {severity}: {title} by {declarer} at {declared_at}"
  update: "UPD #{number} [{status}] {text}"
`,
      start: '2026-05-01T12:00:00Z',
    });
    h.run('ann', 'declare p1 Database on fire');
    h.run('ann', 'update identified Disk full');
    // The holders line follows the team's own template, as the checklist does.
    expect(h.texts('incident')).toEqual(['NEW p1: Database on fire by Ann at 2026-05-01 12:00 UTC\nRoles: commander Ann · comms open · scribe open', 'UPD #1 [Identified] Disk full']);
  });

  it('safe mode stops automatic posts outside incident channels but keeps paging', () => {
    const h = harness();
    h.run('erin', 'safe-mode on');
    h.run('alice', 'declare sev1 Checkout down');
    expect(h.posts((r) => r.destination.startsWith('channel:'))).toEqual([]);
    expect(h.posts((r) => r.destination.startsWith('dm:') && r.pageId !== null).length).toBeGreaterThan(0);
    expect(h.texts('incident').length).toBeGreaterThan(0);
  });

  it('lists and shows the timeline', () => {
    const h = harness();
    h.run('alice', 'declare sev2 Search is slow');
    h.run('alice', 'update identified Index rebuild stuck');
    const list = h.run('alice', 'list').text;
    expect(list).toMatch(/#1 \[SEV2\] identified\s+Search is slow/);
    const tl = h.run('alice', 'timeline #1').text.split('\n');
    expect(tl[0]).toBe('Timeline of #1 Search is slow');
    expect(tl.some((l) => l.includes('Declared SEV2 by Alice Archer'))).toBe(true);
    expect(tl.some((l) => l.includes('(investigating → identified): Index rebuild stuck'))).toBe(true);
  });
});

describe('declaring from a message', () => {
  it('declares once per source message, however often it is asked', () => {
    const h = harness();
    const link = 'https://acme.slack.com/archives/C1/p1700000000000100';
    const first = h.svc.declareFrom(h.as('alice'), { title: 'Checkout errors reported', sourceLink: link });
    expect(first).toMatchObject({ ok: true, incident: 1 });
    const again = h.svc.declareFrom(h.as('bob'), { title: 'Checkout errors reported', sourceLink: link });
    expect(again.ok).toBe(false);
    expect(again.text).toMatch(/already declared as #1/);
    expect(h.db.select().from(incidents).all()).toHaveLength(1);
  });
});
