import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidents, outbox, roleAssignments, timelineEvents } from '../../src/store/tables.js';
import { harness, MINUTE } from '../helpers/harness.js';

const count = async (h: ReturnType<typeof harness>) => ({
  incidents: (await h.db.select().from(incidents)).length,
  outbox: (await h.db.select().from(outbox)).length,
  timeline: (await h.db.select().from(timelineEvents)).length,
});

describe('incident lifecycle', () => {
  it('numbers incidents sequentially and walks investigating → identified → monitoring → resolved', async () => {
    const h = harness();
    expect((await h.run('alice', '/incident declare sev2 Search is slow')).text).toBe('Declared #1 (sev2): Search is slow');
    expect((await h.run('alice', 'declare critical Checkout down')).text).toBe('Declared #2 (sev1): Checkout down');
    expect((await h.run('bob', 'update #2 identified Bad deploy found')).ok).toBe(true);
    h.clock.advance(10 * MINUTE);
    expect((await h.run('bob', 'mitigate #2 Rolled back')).ok).toBe(true);
    const mitigatedAt = (await h.db.select().from(incidents).where(eq(incidents.id, 2)))[0]!.mitigatedAt;
    h.clock.advance(5 * MINUTE);
    await h.run('bob', 'update #2 monitoring Error rate back to normal');
    const inc = (await h.db.select().from(incidents).where(eq(incidents.id, 2)))[0]!;
    expect(inc.status).toBe('monitoring');
    // mitigatedAt is stamped the first time monitoring is reached, not moved by later updates.
    expect(inc.mitigatedAt).toEqual(mitigatedAt);
    expect((await h.run('bob', 'resolve #2 Rolled back the release')).ok).toBe(true);
    const done = (await h.db.select().from(incidents).where(eq(incidents.id, 2)))[0]!;
    expect(done.status).toBe('resolved');
    expect(done.summary).toBe('Rolled back the release');
    const resolved = (await h.texts('incident')).find((t) => t.startsWith('✅ RESOLVED'))!;
    expect(resolved).toContain('Duration: 15m');
  });

  it('a resolved incident refuses updates with a clear message and changes nothing', async () => {
    const h = harness();
    await h.run('alice', 'declare sev2 Search is slow');
    await h.run('alice', 'resolve Cache warmed');
    const before = await count(h);
    const r = await h.run('alice', 'update #1 still slow?');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/#1 is resolved; it takes no more updates/);
    expect(await count(h)).toEqual(before);
  });

  it('asks which incident when several are open and none is named', async () => {
    const h = harness();
    await h.run('alice', 'declare sev3 One');
    await h.run('alice', 'declare sev3 Two');
    const r = await h.run('alice', 'update identified found it');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/Which incident\? Open: #1, #2/);
    // Inside an incident's channel the number may be left out.
    expect((await h.svc.run(h.as('alice'), 'update identified found it', { incident: 2 })).ok).toBe(true);
  });

  it('bad input answers the caller with the right form and stores nothing', async () => {
    const h = harness();
    await h.run('alice', 'declare sev3 Something');
    const before = await count(h);
    for (const [text, pattern] of [
      ['declare sev9', /title|Unknown severity/],
      ['severity #1 sev9', /Unknown severity "sev9"/],
      ['role #1 pilot @bob', /Unknown role "pilot"/],
      ['role #1 commander @nobody', /Nobody called "nobody"/],
      ['update #7 hello', /no incident #7/],
      ['frobnicate', /Usage/],
      ['page #1 nosuchthing', /Nothing called "nosuchthing"/],
    ] as const) {
      const r = await h.run('alice', text);
      expect(r.ok, text).toBe(false);
      expect(r.text, text).toMatch(pattern);
    }
    expect(await count(h)).toEqual(before);
  });

  it('assigns roles from the policy and keeps the channel topic following changes', async () => {
    const h = harness();
    await h.run('alice', 'declare sev2 Search is slow');
    expect((await h.run('alice', 'role commander @bob')).ok).toBe(true);
    expect((await h.run('alice', 'role Comms @carol')).ok).toBe(true);
    const roles = (await h.db.select().from(roleAssignments).orderBy(asc(roleAssignments.role))).map((r) => `${r.role}=${r.person}`);
    expect(roles).toEqual(['commander=bob', 'comms=carol']);
    await h.run('bob', 'severity sev1');
    const topics = (await h.posts((r) => r.kind === 'topic')).map((r) => (r.body as { text: string }).text);
    expect(topics.at(-1)).toBe('SEV1 · investigating · commander Bob Baker · comms Carol Chen');
    expect((await h.run('alice', 'status')).text).toMatch(/commander: Bob Baker\ncomms: Carol Chen/);
  });

  it('enforces permissions from the policy with a clear refusal', async () => {
    const h = harness();
    await h.run('alice', 'declare sev2 Search is slow');
    const r = await h.svc.run({ id: 'slack:U999', name: 'Visitor', platform: 'slack' }, 'resolve #1 done');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/not allowed to resolve: it needs membership of "responders"/);
    expect((await h.db.select().from(incidents))[0]!.status).toBe('investigating');
    expect((await h.run('alice', 'safe-mode on')).text).toMatch(/not allowed to safe-mode/);
    expect((await h.run('erin', 'safe-mode on')).ok).toBe(true);
    // Anyone may declare, even someone who is not in the policy; they are recorded by platform ID.
    const d = await h.svc.run({ id: 'slack:U999', name: 'Visitor', platform: 'slack' }, 'declare sev3 Typo on pricing page');
    expect(d.ok).toBe(true);
    expect((await h.db.select().from(incidents).where(eq(incidents.id, 2)))[0]!.declaredBy).toBe('slack:U999');
  });

  it('posting or completing a postmortem needs the postmortem permission', async () => {
    const h = harness({
      yaml: `
people: { ann: { name: Ann }, bo: { name: Bo } }
groups: { leads: [ann] }
permissions: { postmortem: [leads] }
severities: [{ id: p1, description: Big, postmortem: { required: true } }]
`,
    });
    await h.run('ann', 'declare p1 Database on fire');
    await h.run('ann', 'resolve Disk freed');
    expect((await h.run('bo', 'postmortem #1')).text).toMatch(/not allowed to postmortem/);
    expect((await h.run('bo', 'postmortem #1 done https://wiki/pm1')).ok).toBe(false);
    expect((await h.run('ann', 'postmortem #1 done https://wiki/pm1')).ok).toBe(true);
  });

  it('renders messages from the policy templates', async () => {
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
    await h.run('ann', 'declare p1 Database on fire');
    await h.run('ann', 'update identified Disk full');
    // The holders line follows the team's own template, as the checklist does.
    expect(await h.texts('incident')).toEqual(['NEW p1: Database on fire by Ann at 2026-05-01 12:00 UTC\nRoles: commander Ann · comms open · scribe open', 'UPD #1 [Identified] Disk full']);
  });

  it('safe mode stops automatic posts outside incident channels but keeps paging', async () => {
    const h = harness();
    await h.run('erin', 'safe-mode on');
    await h.run('alice', 'declare sev1 Checkout down');
    expect(await h.posts((r) => r.destination.startsWith('channel:'))).toEqual([]);
    expect((await h.posts((r) => r.destination.startsWith('dm:') && r.pageId !== null)).length).toBeGreaterThan(0);
    expect((await h.texts('incident')).length).toBeGreaterThan(0);
  });

  it('lists and shows the timeline', async () => {
    const h = harness();
    await h.run('alice', 'declare sev2 Search is slow');
    await h.run('alice', 'update identified Index rebuild stuck');
    const list = (await h.run('alice', 'list')).text;
    expect(list).toMatch(/#1 \[SEV2\] identified\s+Search is slow/);
    const tl = (await h.run('alice', 'timeline #1')).text.split('\n');
    expect(tl[0]).toBe('Timeline of #1 Search is slow');
    expect(tl.some((l) => l.includes('Declared SEV2 by Alice Archer'))).toBe(true);
    expect(tl.some((l) => l.includes('(investigating → identified): Index rebuild stuck'))).toBe(true);
  });

  it('lists every open incident and the resolved ones among the ten latest, newest first, each with its commander', async () => {
    const h = harness();
    for (let n = 1; n <= 13; n++) await h.run('alice', `declare sev3 Incident ${n}`);
    // #1 is open but old; #2 is resolved and older than the ten latest; #6 and #12 were resolved recently.
    for (const n of [2, 6, 12]) expect((await h.run('alice', `resolve #${n} Fixed`)).ok).toBe(true);
    expect((await h.run('alice', 'role #5 commander bob')).ok).toBe(true);
    const lines = (await h.run('bob', 'list')).text.split('\n');
    const ids = (from: number, to: number) => lines.slice(from, to).map((l) => Number(/^#(\d+)/.exec(l)?.[1]));
    expect(lines[0]).toBe('Open (10):');
    expect(ids(1, 11)).toEqual([1, 3, 4, 5, 7, 8, 9, 10, 11, 13]);
    expect(lines[11]).toBe('Recently resolved:');
    expect(ids(12, lines.length)).toEqual([12, 6]);
    expect(lines.find((l) => l.startsWith('#5 '))).toMatch(/— commander Bob \w+, declared /);
    expect(lines.find((l) => l.startsWith('#12 '))).toMatch(/^#12 \[SEV3\] resolved\s+Incident 12 — commander /);
  });
});

describe('declaring from a message', () => {
  it('declares once per source message, however often it is asked', async () => {
    const h = harness();
    const link = 'https://acme.slack.com/archives/C1/p1700000000000100';
    const first = await h.svc.declareFrom(h.as('alice'), { title: 'Checkout errors reported', sourceLink: link });
    expect(first).toMatchObject({ ok: true, incident: 1 });
    const again = await h.svc.declareFrom(h.as('bob'), { title: 'Checkout errors reported', sourceLink: link });
    expect(again.ok).toBe(false);
    expect(again.text).toMatch(/already declared as #1/);
    expect((await h.db.select().from(incidents))).toHaveLength(1);
  });
});
