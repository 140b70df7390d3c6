// Postmortems, driven by a fake clock: the due date in business days, reminders to the commander
// until `postmortem done <url>`, and the markdown draft posted on resolve.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postmortemCommand as cliPostmortem } from '../../src/cli/postmortem.js';
import { loadPolicy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { actorFor } from '../../src/service/actor.js';
import { FakeClock } from '../../src/service/clock.js';
import { Service } from '../../src/service/service.js';
import { openDb } from '../../src/store/db.js';
import { closeStore } from '../../src/store/open.js';
import { openTestDb, pgTest, testStore } from '../helpers/store.js';
import { incidents, timers } from '../../src/store/tables.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';

type H = ReturnType<typeof harness>;

const incident = async (h: H, id = 1) => (await h.db.select().from(incidents).where(eq(incidents.id, id)))[0]!;
/** Reminders as [when, where, text]. */
const reminders = async (h: H) =>
  (await h
    .posts((r) => r.kind === 'post' && String((r.body as { text?: string }).text).startsWith('📝') && String((r.body as { text?: string }).text).includes('is due')))
    .map((r) => [r.createdAt.toISOString(), r.destination, String((r.body as { text: string }).text)] as const);
const drafts = async (h: H) => (await h.texts('incident')).filter((t) => t.startsWith('# Postmortem'));

describe('postmortem due date and reminders (default policy: sev1 due 3 business days)', () => {
  /** Resolved on Friday 6 March 2026 at 15:00 (London is on GMT; business days 09:00–17:30, 8.5h). */
  async function resolvedOnFriday() {
    const h = harness({ start: '2026-03-06T13:00:00Z' });
    await h.run('alice', 'declare sev1 Checkout down');
    await h.run('alice', 'role commander @bob');
    await h.advance(2 * HOUR);
    await h.run('alice', 'resolve Rolled back the release');
    return h;
  }

  it('is due three business days after resolving', async () => {
    const h = await resolvedOnFriday();
    // 25.5 business hours: 2.5 Fri + 8.5 Mon + 8.5 Tue + 6 Wed → Wednesday 11 March 15:00.
    expect((await incident(h)).postmortemDueAt!.toISOString()).toBe('2026-03-11T15:00:00.000Z');
    expect((await h.texts('incident')).find((t) => t.startsWith('✅ RESOLVED'))).toContain('Post-mortem: due 2026-03-11 15:00 GMT');
  });

  it('reminds the commander each business day, at the due time, then while overdue, until done', async () => {
    const h = await resolvedOnFriday();
    await h.advance(Date.parse('2026-03-16T16:00:00Z') - Date.parse('2026-03-06T15:00:00Z'));
    // Nothing over the weekend; Wednesday's is at the due time; then each business day overdue.
    expect((await reminders(h)).map(([at, where]) => [at, where])).toEqual([
      ['2026-03-09T15:00:00.000Z', 'dm:bob'],
      ['2026-03-10T15:00:00.000Z', 'dm:bob'],
      ['2026-03-11T15:00:00.000Z', 'dm:bob'],
      ['2026-03-12T15:00:00.000Z', 'dm:bob'],
      ['2026-03-13T15:00:00.000Z', 'dm:bob'],
      ['2026-03-16T15:00:00.000Z', 'dm:bob'],
    ]);
    const texts = (await reminders(h)).map(([, , t]) => t);
    expect(texts[0]).toBe('📝 @bob: the postmortem for incident #1 (SEV1 - Checkout down) is due 2026-03-11 15:00 GMT. Mark it done with `postmortem #1 done <url>`.');
    expect(texts[3]).toContain('is due 2026-03-11 15:00 GMT (overdue by 1d)');

    // Done (Slack sends links as <url|label>): no more reminders, however long we wait.
    expect((await h.run('bob', 'postmortem #1 done <https://wiki.example.com/pm/1|PM 1>')).ok).toBe(true);
    const done = await incident(h);
    expect(done.postmortemUrl).toBe('https://wiki.example.com/pm/1');
    expect(done.postmortemDoneAt!.toISOString()).toBe('2026-03-16T16:00:00.000Z');
    expect((await h.db.select().from(timers)).filter((t) => t.kind === 'postmortem_reminder' && t.status === 'pending')).toEqual([]);
    await h.advance(10 * 24 * HOUR);
    expect(await reminders(h)).toHaveLength(6);
    expect((await h.texts('incident')).at(-1)).toContain('is done (5d 1h after it was due): https://wiki.example.com/pm/1');
  });

  it('Klaxon down all week fires one reminder at restart, not one per missed day', async () => {
    const h = await resolvedOnFriday();
    h.clock.set('2026-03-16T16:00:00Z');
    await h.advance(0);
    expect(await reminders(h)).toHaveLength(1);
    expect((await reminders(h))[0][2]).toContain('(overdue by 5d 1h)');
  });

  it('a reminder goes to the incident channel when safe mode is on', async () => {
    const h = harness({ start: '2026-03-06T13:00:00Z' });
    await h.run('alice', 'declare sev1 Checkout down');
    await h.run('alice', 'resolve Rolled back');
    await h.run('erin', 'safe-mode on');
    await h.advance(4 * 24 * HOUR);
    expect((await reminders(h))[0][1]).toBe('incident');
  });

  it('refuses a done without a link, and on an open incident', async () => {
    const h = harness();
    await h.run('alice', 'declare sev1 Checkout down');
    expect((await h.run('alice', 'postmortem #1 done https://x.example/pm')).text).toMatch(/still open/);
    await h.run('alice', 'resolve Fixed');
    const r = await h.run('alice', 'postmortem #1 done not-a-link');
    expect(r.ok).toBe(false);
    expect(r.text).toContain('Usage: postmortem [#N] done <url>');
    expect((await incident(h)).postmortemDoneAt).toBeNull();
  });

  it('no postmortem for a severity that does not require one, unless asked for', async () => {
    const h = harness();
    await h.run('alice', 'declare sev3 Exports slow');
    await h.advance(2 * HOUR);
    await h.run('alice', 'resolve Index rebuilt');
    expect((await incident(h)).postmortemDueAt).toBeNull();
    expect(await drafts(h)).toEqual([]);
    expect((await h.texts('incident')).find((t) => t.startsWith('✅ RESOLVED'))).toContain('Post-mortem: not required');
    // The commander's call (runbook 002's repeated SEV-2): `postmortem #N` opens one.
    const r = await h.run('alice', 'postmortem #1');
    expect(r.text).toMatch(/Opened; it is due 2026-03-11 12:00 GMT/); // 5 business days by default
    expect(await drafts(h)).toHaveLength(1);
    expect((await incident(h)).postmortemDueAt!.toISOString()).toBe('2026-03-11T12:00:00.000Z');
  });

  it("runbook 003: any incident lasting longer than 4h needs one, whatever its severity", async () => {
    const h = harness({ policy: 'examples/policies/003-incident-response.yaml' });
    await h.run('omar', 'declare P3 Favicon missing');
    await h.advance(4 * HOUR);
    await h.run('omar', 'resolve Exactly four hours'); // not longer than 4h
    expect((await incident(h, 1)).postmortemDueAt).toBeNull();
    await h.run('omar', 'declare P3 Favicon missing again');
    await h.advance(4 * HOUR + MINUTE);
    await h.run('omar', 'resolve Four hours and a minute');
    // Due 1w (wall clock) after resolving.
    expect((await incident(h, 2)).postmortemDueAt!.getTime()).toBe(h.clock.now().getTime() + 7 * 24 * HOUR);
    expect(await drafts(h)).toHaveLength(1);
  });
});

describe('the postmortem draft (runbook 004, Europe/London in summer)', () => {
  async function incidentWithHistory() {
    // Wednesday 1 July 2026 09:00 UTC = 10:00 GMT+1, in business hours.
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-07-01T09:00:00Z' });
    await h.run('ben', 'declare support Client A reports slow dashboards');
    await h.advance(5 * MINUTE);
    await h.run('ben', 'severity critical'); // pages the alarms policy: the rota first
    await h.advance(7 * MINUTE);
    const paged = (await h.texts()).find((t) => t.startsWith('📟'))!.match(/^📟 @(\w+)/)![1];
    await h.run(paged, 'ack');
    await h.run('ben', 'role comms @chloe');
    await h.advance(8 * MINUTE);
    await h.run('ben', 'update identified A runaway report query');
    await h.advance(20 * MINUTE);
    await h.run('ben', 'mitigate Killed the query, added an index');
    await h.advance(30 * MINUTE);
    await h.run('ben', 'resolve Index added; dashboards back to normal');
    return { h, paged };
  }

  it('is posted in the incident channel on resolve, with the facts and 004\'s four sections', async () => {
    const { h, paged } = await incidentWithHistory();
    const all = await drafts(h);
    expect(all).toHaveLength(1);
    const d = all[0];
    const name = h.policy.people[paged].name;
    expect(d).toMatch(/^# Postmortem: #1 Client A reports slow dashboards/);
    // Summary with the milestones and their delays, in GMT+1.
    expect(d).toContain('- **Severity:** Critical');
    expect(d).toContain('- **Declared:** 2026-07-01 10:00 GMT+1 by Ben');
    expect(d).toContain('- **Acknowledged:** 2026-07-01 10:12 GMT+1 (12m after declaring)');
    expect(d).toContain('- **Mitigated:** 2026-07-01 10:40 GMT+1 (40m after declaring)');
    expect(d).toContain('- **Resolved:** 2026-07-01 11:10 GMT+1 (1h 10m after declaring)');
    expect(d).toContain('- **Resolution:** Index added; dashboards back to normal');
    // Critical has no due in 004: five business days, Wed 11:10 → Wed 8 July 11:10 GMT+1.
    expect(d).toContain('- **Postmortem due:** 2026-07-08 11:10 GMT+1');
    expect(d).toContain('- **Impact window:** 2026-07-01 10:00 GMT+1 → 2026-07-01 10:40 GMT+1 (40m from declaring to mitigation)');
    // Severity history, roles, pages with acknowledgement delays.
    expect(d).toContain('## Severity history\n- 2026-07-01 10:00 GMT+1 — Declared Support request by Ben: Client A reports slow dashboards\n- 2026-07-01 10:05 GMT+1 — Ben changed severity Support request → Critical');
    // 004's rota person commands a support request from its declaration.
    expect(d).toContain(`- **commander:** ${name} (since 2026-07-01 10:00 GMT+1)`);
    expect(d).toContain('- **comms:** Chloe (since 2026-07-01 10:12 GMT+1)');
    expect(d).toContain(`paged escalation policy alarms: tier 1 ${name} at 2026-07-01 10:05 GMT+1.`);
    expect(d).toContain(`Acknowledged by ${name} at 2026-07-01 10:12 GMT+1, 7m after paging, 7m after they were notified.`);
    // The timeline, every entry in the policy's zone.
    const timeline = d.slice(d.indexOf('## Timeline'), d.indexOf('## What happened?'));
    expect(timeline).toContain('- 2026-07-01 10:20 GMT+1 — Ben (investigating → identified): A runaway report query');
    expect(timeline).toContain('- 2026-07-01 11:10 GMT+1 — Resolved by Ben after 1h 10m: Index added; dashboards back to normal');
    for (const line of timeline.split('\n').filter((l) => l.startsWith('- '))) expect(line).toMatch(/^- 2026-07-01 1\d:\d\d GMT\+1 — /);
    // Runbook 004's headings, in order, after the facts.
    const headings = d.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Summary',
      '## Impact',
      '## Severity history',
      '## Roles',
      '## Pages and acknowledgements',
      '## Timeline',
      '## What happened?',
      '## What went well?',
      "## What didn't go well?",
      '## Action items (e.g. add tasks to backlog)',
    ]);
  });

  it('uses the policy heading for a fact section it names, with its guidance (runbook 003)', async () => {
    const h = harness({ policy: 'examples/policies/003-incident-response.yaml' });
    await h.run('omar', 'declare P0 Complete outage');
    await h.advance(30 * MINUTE);
    await h.run('omar', 'resolve Failed over');
    const d = (await drafts(h))[0];
    const headings = d.split('\n').filter((l) => l.startsWith('## '));
    expect(headings[0]).toBe('## Incident Summary');
    expect(d).toContain('## Incident Summary\n_timeline with key events, customer impact assessment, resolution steps taken_\n- **Severity:** P0 Critical');
    expect(headings.slice(-3)).toEqual(['## Root Cause Analysis', '## Action Items (with owners; follow-up review in 30 days)', '## Prevention Measures']);
    expect(headings.filter((x) => /summary/i.test(x))).toHaveLength(1);
    expect(d).toContain('- **Acknowledge target (15m):** missed');
    expect(d).toContain('- **Resolve target (4h):** met');
  });

  it('`postmortem #N` posts it again, and `klaxon postmortem N` prints it', async () => {
    const { h } = await incidentWithHistory();
    expect((await h.run('ben', 'postmortem #1')).text).toMatch(/^Posted the postmortem draft for #1 in its channel\. It is due 2026-07-08 11:10 GMT\+1/);
    expect(await drafts(h)).toHaveLength(2);

    // The CLI reads the same store the bot writes: a database file, or PostgreSQL.
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-pm-'));
    try {
      const file = join(dir, 'k.db');
      const policyPath = 'examples/policies/004-support-processes.yaml';
      const policy = loadPolicy(policyPath);
      const db = testStore() === 'sqlite' ? openDb(file) : openTestDb();
      const svc = new Service({ db, policy, clock: new FakeClock('2026-07-01T09:00:00Z'), platforms: ['console'], log: createLogger('silent') });
      await svc.run(actorFor(policy, 'console', 'ben'), 'declare critical Alarm: API 5xx');
      await svc.run(actorFor(policy, 'console', 'ben'), 'resolve Restarted the pods');
      await closeStore(db);
      const out: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
      vi.stubEnv('KLAXON_DB', file);
      if (testStore() === 'postgres') vi.stubEnv('KLAXON_DATABASE_URL', pgTest.url!);
      vi.stubEnv('KLAXON_POLICY', policyPath);
      expect(await cliPostmortem(['1'])).toBe(0);
      expect(out.join('\n')).toMatch(/^# Postmortem: #1 Alarm: API 5xx[\s\S]*## Timeline\n- 2026-07-01 10:00 GMT\+1 — Declared Critical[\s\S]*## What didn't go well\?/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
});
