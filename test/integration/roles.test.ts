// Roles from rotas (issue #16): the runbook's people take their roles without anyone typing them.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Platform, SpaceInfo } from '../../src/service/port.js';
import { API_ACTOR } from '../../src/http/api/incidents.js';
import { createLogger } from '../../src/log.js';
import { Dispatcher } from '../../src/scheduler/dispatcher.js';
import { rolesOf } from '../../src/service/incident-view.js';
import { whoIsOnCall } from '../../src/service/oncall.js';
import { timelineOf } from '../../src/service/timeline.js';
import { incidents, timers } from '../../src/store/tables.js';
import { handleSupportMessage } from '../../src/service/support.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { ROLES_YAML as YAML } from './roles-policy.js';

// On 2026-03-04 (a Wednesday) alice is primary and uma is comms lead; bob and carol take over on
// Monday 2026-03-09 at 09:00 (roles-policy.ts).

function setup(start = '2026-03-04T03:00:00Z') {
  return harness({ yaml: YAML, start });
}

type H = ReturnType<typeof setup>;

const fromApi = async (h: H, severity: string, title = 'Checkout errors') => {
  const r = await h.svc.declareFrom(API_ACTOR, { title, severity });
  expect(r.ok).toBe(true);
  return r.incident!;
};

const invited = async (h: H, incidentId: number) =>
  (await h.posts((r) => r.kind === 'invite' && r.incidentId === incidentId)).flatMap((r) => (r.body as { people: string[] }).people);

const roleNudges = async (h: H) => (await h.texts()).filter((t) => t.includes('still has no'));

describe('roles from rotas', () => {
  it('a Sev-2 declared by an integration at 03:00 has the on-call commander without anyone typing', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev2');
    // schedule: whoever is on call at declaration; person: the named one; declarer: nobody, an
    // integration is not a person; acknowledger: waits.
    expect(await rolesOf(h.db, id)).toEqual({ commander: 'alice', comms: 'uma', liaison: 'erin' });
    const first = (await h.texts('incident'))[0];
    expect(first).toContain('Assigned: Alice');
    expect(first).toContain('Roles: commander Alice · comms Uma · scribe open · investigator: whoever acknowledges first · liaison Erin');
    expect((await timelineOf(h.db, id)).map((e) => e.text)).toEqual(
      expect.arrayContaining(['Alice is commander (on call for primary)', 'Uma is comms (on call for comms-lead)', 'Erin is liaison (named by the policy)']),
    );
    expect((await invited(h, id)).sort()).toEqual(['alice', 'api', 'erin', 'uma'].sort());
  });

  it('the incident channel opens with the holders in its topic', async () => {
    const h = harness({ yaml: YAML, start: '2026-03-04T03:00:00Z', platforms: ['slack'] });
    const topics: string[] = [];
    class Spy extends RecordingAdapter {
      override async openIncidentSpace(info: SpaceInfo) {
        topics.push(info.topic);
        return super.openIncidentSpace(info);
      }
    }
    const slack = new Spy('slack');
    const d = new Dispatcher(h.db, h.policy, new Map<Platform, RecordingAdapter>([['slack', slack]]), h.clock, createLogger('silent'));
    await fromApi(h, 'sev2');
    await d.dispatch();
    expect(topics).toEqual(['sev2 · investigating · commander Alice · comms Uma · liaison Erin']);
    expect(slack.calls.filter((c) => c.op === 'invite').map((c) => c.text.split(',').sort())).toContainEqual(['U1ALICE', 'U1ERIN', 'U1UMA']);
  });

  it('declarer: a person who declares takes the roles that name the declarer', async () => {
    const h = setup();
    await h.run('carol', 'declare sev2 Search is slow');
    expect(await rolesOf(h.db, 1)).toMatchObject({ commander: 'alice', scribe: 'carol' });
  });

  it('a fallback list takes the first source that yields someone', async () => {
    const h = setup();
    await h.run('carol', 'declare sev1 Everything is down');
    expect((await rolesOf(h.db, 1)).commander).toBe('carol');
    const id = await fromApi(h, 'sev1', 'Alert: everything is down');
    expect((await rolesOf(h.db, id)).commander).toBe('alice');
  });

  it('acknowledger: whoever acknowledges the first page takes the role, in the same transaction', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev3');
    expect((await rolesOf(h.db, id)).commander).toBeUndefined();
    expect((await h.run('bob', `ack #${id}`)).ok).toBe(true);
    expect(await rolesOf(h.db, id)).toMatchObject({ commander: 'bob', investigator: 'bob' });
    expect(await h.texts('incident')).toContain(`@bob acknowledged first and is now commander and investigator for #${id}.`);
    expect((await h.posts((r) => r.kind === 'topic')).map((r) => (r.body as { text: string }).text).pop()).toContain('commander Bob');
    // Later acknowledgements (a second page) leave the holder alone.
    await h.run('carol', `page #${id} @alice`);
    await h.run('alice', `ack #${id}`);
    expect((await rolesOf(h.db, id)).commander).toBe('bob');
  });

  it('acknowledger: acknowledging an incident that paged nobody fills it too', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev4');
    await h.run('carol', `ack #${id}`);
    expect((await rolesOf(h.db, id)).commander).toBe('carol');
  });

  it('a role someone took by hand is not taken over by the acknowledger', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev3');
    await h.run('carol', `role #${id} commander @erin`);
    await h.run('bob', `ack #${id}`);
    expect(await rolesOf(h.db, id)).toMatchObject({ commander: 'erin', investigator: 'bob' });
  });

  it('raising the severity fills roles the new severity names', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev3');
    await h.run('carol', `severity #${id} sev2`);
    expect((await rolesOf(h.db, id)).commander).toBe('alice');
    expect(await h.texts('incident')).toContain(`@alice is now commander for #${id}.`);
  });

  it('hand-over announces "Alice → Bob" on the timeline and in the channel', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev2');
    const r = await h.run('carol', `role #${id} commander @bob`);
    expect(r).toMatchObject({ ok: true });
    expect((await rolesOf(h.db, id)).commander).toBe('bob');
    expect((await timelineOf(h.db, id)).pop()!.text).toBe('Commander: Alice → Bob (by Carol)');
    expect(await h.texts('incident')).toContain(`Commander for #${id}: Alice → @bob (handed over by Carol).`);
    expect(await invited(h, id)).toContain('bob');
  });

  it('handing a role to its holder is refused and changes nothing', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev2');
    const before = (await h.posts()).length;
    const r = await h.run('carol', `role #${id} commander @alice`);
    expect(r).toEqual({ ok: false, error: 'conflict', text: `Alice is already commander for #${id}.` });
    expect((await h.posts()).length).toBe(before);
  });

  it('`roles` lists who holds what, since when and why', async () => {
    const h = setup();
    const id = await fromApi(h, 'sev3');
    h.clock.advance(5 * MINUTE);
    await h.run('carol', `role #${id} scribe @carol`);
    const r = await h.run('bob', `roles #${id}`);
    expect(r.ok).toBe(true);
    expect(r.text.split('\n')).toEqual([
      `Roles on #${id} Checkout errors`,
      'commander: open (required) — goes to whoever acknowledges first',
      'comms: Uma since 2026-03-04 03:00 UTC (on call for comms-lead)',
      'scribe: Carol since 2026-03-04 03:05 UTC (handed over)',
      'investigator: open — goes to whoever acknowledges first',
      'liaison: Erin since 2026-03-04 03:00 UTC (named by the policy)',
      `Hand one over with \`role #${id} <role> @person\`.`,
    ]);
  });

  it('a rota hand-off does not move incident roles', async () => {
    const h = setup('2026-03-08T20:00:00Z');
    const id = await fromApi(h, 'sev2');
    await h.run('alice', `ack #${id}`);
    await h.advance(14 * HOUR);
    expect((await h.run('bob', 'oncall primary')).text).toMatch(/^primary: Bob/);
    expect(await rolesOf(h.db, id)).toMatchObject({ commander: 'alice', comms: 'uma' });
  });

  describe('required roles', () => {
    it('an empty required role is nudged once after the grace, mentioning the on-call, and counted in stats', async () => {
      const h = setup();
      const id = await fromApi(h, 'sev3');
      await h.advance(10 * MINUTE - 1);
      expect(await roleNudges(h)).toEqual([]);
      await h.advance(1);
      expect(await roleNudges(h)).toEqual([
        `⚠️ #${id} still has no commander 10m after it was declared. @alice: you are on call. Take it with \`role #${id} commander @person\`.`,
      ]);
      expect((await timelineOf(h.db, id)).filter((e) => e.kind === 'role_missed:commander')).toHaveLength(1);
      // Once: later timers (escalation, nudges) and a severity change do not repeat it.
      await h.run('carol', `severity #${id} sev4`);
      await h.advance(3 * HOUR);
      expect(await roleNudges(h)).toHaveLength(1);
      expect((await h.run('carol', 'stats')).text).toContain('required roles left empty 1');
    });

    it('the grace is per severity; with no schedule behind the role and nobody paged, nobody is mentioned', async () => {
      const h = setup();
      const id = await fromApi(h, 'sev4');
      await h.advance(29 * MINUTE);
      expect(await roleNudges(h)).toEqual([]);
      await h.advance(1 * MINUTE);
      // sev4 pages nobody and its commander comes from no schedule: nobody to mention.
      expect(await roleNudges(h)).toEqual([`⚠️ #${id} still has no commander 30m after it was declared. Take it with \`role #${id} commander @person\`.`]);
    });

    it('no nudge when the role was taken within the grace', async () => {
      const h = setup();
      const id = await fromApi(h, 'sev3');
      await h.run('carol', `role #${id} commander @carol`);
      await h.advance(10 * MINUTE);
      const grace = (await h.db.select().from(timers).where(and(eq(timers.incidentId, id), eq(timers.kind, 'role_grace'))))[0];
      expect(grace?.status).toBe('done');
      expect(await roleNudges(h)).toEqual([]);
      expect((await h.run('carol', 'stats')).text).not.toContain('required roles');
    });

    it('a filled required role arms nothing worth a nudge, and resolving cancels the check', async () => {
      const h = setup();
      const id = await fromApi(h, 'sev3');
      await h.run('carol', `resolve #${id} False alarm`);
      const grace = (await h.db.select().from(timers).where(and(eq(timers.incidentId, id), eq(timers.kind, 'role_grace'))))[0];
      expect(grace?.status).toBe('cancelled');
      await h.advance(HOUR);
      expect(await roleNudges(h)).toEqual([]);
    });
  });

  it('the list form of roles keeps the declarer as commander', async () => {
    const h = harness();
    await h.run('alice', 'declare sev3 Slow search');
    expect(await rolesOf(h.db, 1)).toEqual({ commander: 'alice' });
    await h.svc.declareFrom(API_ACTOR, { title: 'Alert', severity: 'sev3' });
    expect(await rolesOf(h.db, 2)).toEqual({});
  });
});

describe('the example policies take the runbooks\' roles', () => {
  const at3am = '2026-03-04T03:00:00Z';
  const cases: [string, string, Record<string, string>][] = [
    // 000: the weekly core rota commands, the monthly Communications Lead rota speaks, the docs maintainer leads support.
    ['examples/policies/000-support-runbook.yaml', 'sev2', { commander: 'schedule:primary', comms: 'schedule:comms', support: 'person:priya' }],
    // 002: the primary on-call manages the incident log; the Support Ops lead from the start of a SEV-0.
    ['examples/policies/002-on-call-escalation.yaml', 'sev2', { commander: 'schedule:primary' }],
    ['examples/policies/002-on-call-escalation.yaml', 'sev0', { commander: 'schedule:primary', comms: 'person:sol' }],
    // 003: the L1 on-call engineer owns the initial response.
    ['examples/policies/003-incident-response.yaml', 'P1', { commander: 'schedule:oncall', tech_lead: 'person:tess', customer_success: 'person:cass' }],
    // 004: the person on the rota orchestrates a support request.
    ['examples/policies/004-support-processes.yaml', 'support', { commander: 'schedule:rota', comms: 'schedule:rota' }],
  ];
  it.each(cases)('%s %s declared by an integration at 03:00', async (policy, severity, expected) => {
    const h = harness({ policy, start: at3am });
    const r = await h.svc.declareFrom(API_ACTOR, { title: 'Alert: error rate above 5%', severity });
    expect(r.ok).toBe(true);
    const want = Object.fromEntries(
      await Promise.all(
        Object.entries(expected).map(async ([role, source]) => {
          const [kind, name] = source.split(':');
          return [role, kind === 'person' ? name : (await whoIsOnCall(h.db, h.policy, name, new Date(at3am))).person];
        }),
      ),
    );
    expect(Object.values(want).every(Boolean)).toBe(true);
    expect(await rolesOf(h.db, r.incident!)).toEqual(want);
  });

  it('000\'s support-channel security report, raised as a Sev 1 at 03:00, has the rota\'s commander and comms lead', async () => {
    const h = harness({ policy: 'examples/policies/000-support-runbook.yaml', start: at3am, platforms: ['discord'] });
    const r = await handleSupportMessage(h.svc, {
      platform: 'discord', channel: '500000000000000004', user: '900000000000000001', userName: 'dana', isBot: false,
      text: 'I think I found an XSS vulnerability', link: 'https://discord.com/channels/1/2/3', messageId: '3',
    });
    expect(r).not.toBeNull();
    const [inc] = (await h.db.select().from(incidents));
    expect(inc.severity).toBe('sev1');
    const now = new Date(at3am);
    expect(await rolesOf(h.db, inc.id)).toEqual({
      commander: (await whoIsOnCall(h.db, h.policy, 'primary', now)).person,
      comms: (await whoIsOnCall(h.db, h.policy, 'comms', now)).person,
      support: 'priya',
    });
  });

  it('004\'s critical alarm is commanded by whoever answers it', async () => {
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-04T03:00:00Z' });
    const id = await fromApiOn(h, 'critical');
    expect((await rolesOf(h.db, id)).commander).toBeUndefined();
    await h.run('lead', `ack #${id}`);
    expect((await rolesOf(h.db, id)).commander).toBe('lead');
  });

  it('004\'s critical alarm nobody answers out of hours nudges the lead, who was paged, after 30m', async () => {
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-04T03:00:00Z' });
    const id = await fromApiOn(h, 'critical');
    await h.advance(30 * MINUTE);
    expect((await h.texts('incident')).filter((t) => t.includes('still has no commander'))).toEqual([
      `⚠️ #${id} still has no commander 30m after it was declared. @lead: you are on call. Take it with \`role #${id} commander @person\`.`,
    ]);
  });
});

async function fromApiOn(h: { svc: H['svc'] }, severity: string): Promise<number> {
  const r = await h.svc.declareFrom(API_ACTOR, { title: 'Alert', severity });
  expect(r.ok).toBe(true);
  return r.incident!;
}

