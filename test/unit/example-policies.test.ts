// The bundled policies are the proof that each runbook in ../shared/seeds runs from a
// policy file alone: these tests pin the runbooks' own figures.
import { phaseItems } from '../../src/service/checklists.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Duration } from '../../src/domain/duration.js';
import { findSeverity, loadPolicy, type Policy, type Severity } from '../../src/config/policy/index.js';
import { simulate, type SimulationEvent, type SimulationInput } from '../../src/cli/simulate.js';
import { bootstrapTimers } from '../../src/scheduler/tick.js';
import { whoIsOnCall } from '../../src/service/oncall.js';
import { harness } from '../helpers/harness.js';
import { onCallAt } from '../../src/domain/rotation.js';

const DIR = join(import.meta.dirname, '../../examples/policies');
const MIN = 60_000;
const HOUR = 60 * MIN;

const load = (file: string): Policy => loadPolicy(join(DIR, file));
const sev = (p: Policy, id: string): Severity => {
  const s = findSeverity(p, id);
  if (!s) throw new Error(`no severity ${id}`);
  return s;
};
const wall = (ms: number) => expect.objectContaining({ kind: 'wall', ms });
const business = (unit: 'hours' | 'days', amount: number) => expect.objectContaining({ kind: 'business', unit, amount });
const msOf = (d: Duration | undefined): number | undefined => (d?.kind === 'wall' ? d.ms : undefined);

describe('every bundled policy', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

  it('includes the default and one per runbook', () => {
    expect(files.sort()).toEqual([
      '000-support-runbook.yaml', '002-on-call-escalation.yaml', '003-incident-response.yaml',
      '004-support-processes.yaml', 'default.yaml',
    ]);
  });

  it.each(files)('%s loads and opens with a comment block', (file) => {
    const head = readFileSync(join(DIR, file), 'utf8').split('\n').slice(0, 5);
    expect(head.every((line) => line.startsWith('#'))).toBe(true);
    if (file !== 'default.yaml') expect(readFileSync(join(DIR, file), 'utf8')).toMatch(/^# Runbook rule +→ keys$/m);
    const p = load(file);
    expect(p.severities.length).toBeGreaterThan(0);
    expect(findSeverity(p, p.default_severity)).toBeDefined();
  });
});

describe('default.yaml', () => {
  const p = load('default.yaml');

  it('is a small London team with weekly primary and secondary rotas', () => {
    expect(p.timezone).toBe('Europe/London');
    expect(Object.keys(p.people).length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(p.people).length).toBeLessThanOrEqual(4);
    expect(p.schedules.primary.rotation).toBe('weekly');
    expect(p.schedules.secondary.rotation).toBe('weekly');
  });

  it('escalates through three tiers and has sev1..sev4 and a status page', () => {
    expect(p.escalation_policies.default.tiers.map((t) => t.targets)).toEqual([['schedule:primary'], ['schedule:secondary'], [expect.stringMatching(/^person:/)]]);
    expect(p.severities.map((s) => s.id)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    expect(p.status_page?.publish_after).toEqual(wall(30 * MIN));
  });
});

describe('000 support runbook', () => {
  const p = load('000-support-runbook.yaml');

  it('Sev 1: acknowledge 15m, resolve 4h, updates every 30m', () => {
    const s = sev(p, 'sev1');
    expect(s.targets?.acknowledge).toEqual(wall(15 * MIN));
    expect(s.targets?.resolve).toEqual(wall(4 * HOUR));
    expect(s.updates?.every).toEqual(wall(30 * MIN));
  });

  it('Sev 2: acknowledge 1h, resolve 1 business day, hourly updates', () => {
    const s = sev(p, 'Sev 2');
    expect(s.targets?.acknowledge).toEqual(wall(HOUR));
    expect(s.targets?.resolve).toEqual(business('days', 1));
    expect(s.updates?.every).toEqual(wall(HOUR));
  });

  it('Sev 3: acknowledge 4 business hours, resolve 3 business days, daily updates at 10:00 on business days', () => {
    const s = sev(p, 'sev3');
    expect(s.targets?.acknowledge).toEqual(business('hours', 4));
    expect(s.targets?.resolve).toEqual(business('days', 3));
    expect(s.updates).toMatchObject({ at: ['10:00'], days: 'business' });
  });

  it('Sev 4: acknowledge 1 business day, no resolution target (backlog)', () => {
    const s = sev(p, 'sev4');
    expect(s.targets?.acknowledge).toEqual(business('days', 1));
    expect(s.targets?.resolve).toBeUndefined();
  });

  it('the Communications Lead rotates monthly, handing off on the 1st at 09:00', () => {
    expect(p.schedules.comms).toMatchObject({ rotation: 'monthly', handoff: '1st 09:00', members: ['uma', 'priya'] });
    const on = (iso: string) => onCallAt(p.schedules.comms, new Date(iso), p.timezone).person;
    expect([on('2026-03-31T12:00:00Z'), on('2026-04-01T09:00:00Z'), on('2026-05-01T09:00:00Z')]).toEqual(['uma', 'priya', 'uma']);
  });

  it('reviews within 3 business days and escalates primary → secondary after 15 minutes', () => {
    expect(sev(p, 'sev1').postmortem).toMatchObject({ required: true, due: business('days', 3) });
    const tiers = p.escalation_policies.default.tiers;
    expect(tiers[0]).toMatchObject({ targets: ['schedule:primary'], ack_timeout: wall(15 * MIN) });
    expect(tiers[1].targets).toEqual(['schedule:secondary']);
  });

  it('Discord auto-responder raises security reports as Sev 1; status page after 30 minutes', () => {
    const d = p.support?.discord;
    expect(d?.security_severity).toBe('sev1');
    expect(d?.security_keywords).toEqual(expect.arrayContaining(['security', 'privacy', 'vulnerability']));
    expect(d?.issue_url).toMatch(/^https:\/\/github\.com\//);
    expect(p.status_page?.publish_after).toEqual(wall(30 * MIN));
  });
});

describe('002 on-call and escalation', () => {
  const p = load('002-on-call-escalation.yaml');

  it('SEV-0 and SEV-1 need a postmortem within 2 business days and notify leadership', () => {
    for (const id of ['SEV-0', 'SEV-1']) {
      const s = sev(p, id);
      expect(s.postmortem).toMatchObject({ required: true, due: business('days', 2) });
      expect(s.notify).toContain('leadership');
    }
    expect(sev(p, 'sev3').postmortem?.required).toBe(false);
  });

  it("SEV-0/1 checklists name the product's kill switches as actions (Run buttons), never Klaxon's own switches", () => {
    const items = (id: string) => phaseItems(p, sev(p, id), 'declared');
    const all = [...items('sev0'), ...items('sev1')];
    expect(items('sev0').filter((c) => /automation_enabled=false|safe_mode=true/.test(c.text)).map((c) => c.action)).toEqual(['product-automation-off', 'product-safe-mode']);
    expect(items('sev1').filter((c) => c.text.includes('safe_mode=true')).map((c) => c.action)).toEqual(['product-safe-mode']);
    // Following the old wording ("here: /incident automation off") left the next Sev-1 paging nobody.
    for (const c of all) expect(c.text).not.toMatch(/\/incident (automation|safe-mode)/);
    // They run the policy's actions, which call the product, with the token from the environment.
    for (const name of ['product-safe-mode', 'product-automation-off']) {
      expect(all.some((c) => c.action === name)).toBe(true);
      expect(p.actions[name]).toMatchObject({ method: 'PUT', confirm: true, headers_env: { Authorization: 'KLAXON_PRODUCT_ADMIN_TOKEN' }, permission: ['engineering'] });
    }
  });

  it('SEV-0/1 update every 15 minutes until stabilised, then every 45', () => {
    for (const id of ['sev0', 'sev1']) {
      const by = sev(p, id).updates?.by_status;
      expect(msOf(by?.investigating)).toBe(15 * MIN);
      expect(msOf(by?.identified)).toBe(15 * MIN);
      expect(msOf(by?.monitoring)).toBe(45 * MIN);
    }
  });

  it('SEV-2 pulls in the secondary when persistent for 30–60 minutes', () => {
    const auto = sev(p, 'sev2').auto_escalate;
    expect(auto?.page).toBe('secondary');
    expect(msOf(auto?.after)).toBeGreaterThanOrEqual(30 * MIN);
    expect(msOf(auto?.after)).toBeLessThanOrEqual(60 * MIN);
    expect(p.escalation_policies.secondary.tiers[0].targets).toEqual(['schedule:secondary']);
  });
});

describe('003 incident response', () => {
  const p = load('003-incident-response.yaml');

  it('P0..P3 acknowledge within 15m, 1h, 4h, 24h', () => {
    expect(['P0', 'P1', 'P2', 'P3'].map((id) => msOf(sev(p, id).targets?.acknowledge))).toEqual([15 * MIN, HOUR, 4 * HOUR, 24 * HOUR]);
    expect(sev(p, 'critical').id).toBe('P0');
  });

  it('resolves Critical within 4h and High within 24h', () => {
    expect(msOf(sev(p, 'P0').targets?.resolve)).toBe(4 * HOUR);
    expect(msOf(sev(p, 'P1').targets?.resolve)).toBe(24 * HOUR);
  });

  it('updates every 30 minutes for Critical and 2 hours for the others', () => {
    expect(['P0', 'P1', 'P2', 'P3'].map((id) => msOf(sev(p, id).updates?.every))).toEqual([30 * MIN, 2 * HOUR, 2 * HOUR, 2 * HOUR]);
  });

  it('post-mortems: every P0, and any incident lasting more than 4 hours', () => {
    expect(sev(p, 'P0').postmortem?.required).toBe(true);
    for (const s of p.severities) expect(msOf(s.postmortem?.required_if_longer_than)).toBe(4 * HOUR);
  });

  it('P1 auto-escalates after 2h; P0 pages immediately', () => {
    expect(sev(p, 'P1').auto_escalate).toMatchObject({ after: wall(2 * HOUR), page: 'l2' });
    expect(sev(p, 'P0').page).toBe('immediate');
    expect(p.escalation_policies.immediate.tiers[0].targets.length).toBeGreaterThan(1);
  });

  it("uses the runbook's alert wording and four post-mortem sections", () => {
    expect(p.templates?.declared).toMatch(/^🚨 INCIDENT: \{severity\} - \{title\}\nDetected: /);
    expect(p.postmortem?.sections.map((s) => s.split(':')[0])).toEqual(['Incident Summary', 'Root Cause Analysis', expect.stringMatching(/^Action Items/), 'Prevention Measures']);
  });
});

describe('004 support processes', () => {
  const p = load('004-support-processes.yaml');

  it('runs a weekday rota announced in the General channel topic each weekday morning', () => {
    const rota = p.schedules.rota;
    expect(rota.rotation).toBe('weekdays');
    expect(rota.announce).toEqual({ topic: 'general', cron: '0 8 * * 1-5' });
    expect(p.channels.slack?.general).toBeDefined();
    expect(p.timezone).toBe('Europe/London');
  });

  it('pages the rota in office hours and someone else out of hours', () => {
    const tiers = p.escalation_policies.alarms.tiers;
    expect(tiers[0]).toMatchObject({ when: 'business_hours', targets: ['schedule:rota'] });
    expect(tiers.some((t) => t.when === 'out_of_hours')).toBe(true);
  });

  it("follows up major incidents with the runbook's four post-mortem questions", () => {
    expect(sev(p, 'critical').postmortem?.required).toBe(true);
    expect(p.postmortem?.sections).toEqual(['What happened?', 'What went well?', "What didn't go well?", 'Action items (e.g. add tasks to backlog)']);
  });

  it('answers clients at once without promising a resolution time', () => {
    const s = p.support?.slack;
    const texts = [s?.in_hours, s?.out_of_hours];
    expect(texts.every((t) => typeof t === 'string' && t.length > 20)).toBe(true);
    for (const text of texts) expect(text).not.toMatch(/\bwithin\b|\bby (today|tomorrow)\b|\bresolved? in\b/i);
  });
});

// ---------------------------------------------------------------------------------------------
// Each runbook's numbers, played through `simulate` (the live service and scheduler on a fake
// clock): these fail if a policy key, or the code behind it, stops doing what the runbook says.

const WED_10 = new Date('2026-03-04T10:00:00Z'); // a Wednesday; UTC and London agree in March
const played = (file: string, o: Omit<SimulationInput, 'policy' | 'start'> & { start?: Date }) => simulate({ start: WED_10, ...o, policy: load(file) });
const at = (events: SimulationEvent[], pattern: RegExp) => events.filter((e) => pattern.test(e.text)).map((e) => `${e.offset} ${e.text}`);

describe('runbooks through simulate', () => {
  it('000: an unanswered Sev 1 pages primary, then secondary after 15 m, then the engineering manager', () => {
    const { events } = played('000-support-runbook.yaml', { severity: 'sev1', horizonMs: 45 * MIN });
    expect(at(events, /^Tier \d of escalation policy default notified/)).toEqual([
      '+0 Tier 1 of escalation policy default notified: Olivia (core)',
      '+15m Tier 2 of escalation policy default notified: Maya (core)',
      '+30m Tier 3 of escalation policy default notified: Erin (engineering manager)',
    ]);
    expect(at(events, /^Missed/)).toEqual(['+15m Missed the 15m acknowledgement target (Sev 1)']);
  });

  it('000: a Sev 3 declared at 04:30 is first nudged at 10:00, daily on business days', () => {
    const { events } = played('000-support-runbook.yaml', { severity: 'sev3', start: new Date('2026-03-05T04:30:00Z'), horizonMs: 4 * 24 * HOUR + 6 * HOUR });
    expect(events.filter((e) => e.kind === 'nudge').map((e) => e.at)).toEqual([
      '2026-03-05T10:00:00.000Z', '2026-03-06T10:00:00.000Z', '2026-03-09T10:00:00.000Z',
    ]);
  });

  it('002: SEV-1 updates every 15 m until mitigated, then every 45 m; postmortem due in 2 business days', () => {
    const r = played('002-on-call-escalation.yaml', { severity: 'sev1', ackAfterMs: 5 * MIN, mitigateAfterMs: HOUR, resolveAfterMs: 4 * HOUR });
    expect(r.events.filter((e) => e.kind === 'nudge').map((e) => e.offset)).toEqual(['+15m', '+30m', '+45m', '+1h 45m', '+2h 30m', '+3h 15m']);
    // Resolved Wednesday 14:00; two business days on the 09:00–17:00 calendar → Friday 14:00.
    expect(r.postmortemDue).toBe('2026-03-06 14:00 UTC');
  });

  it('003: an unmitigated P1 is paged to L2 at 2 h, not before; mitigating in time prevents it', () => {
    const late = played('003-incident-response.yaml', { severity: 'P1', ackAfterMs: 10 * MIN, horizonMs: 2 * HOUR + 20 * MIN });
    expect(at(late.events, /escalation policy l2 notified|escalating to l2/)).toEqual([
      '+2h Still unmitigated after 2h: escalating to l2',
      '+2h Tier 1 of escalation policy l2 notified: Sean (senior engineer), Tess (tech lead)',
    ]);
    const fixed = played('003-incident-response.yaml', { severity: 'P1', ackAfterMs: 10 * MIN, mitigateAfterMs: 90 * MIN, horizonMs: 3 * HOUR });
    expect(at(fixed.events, /l2/)).toEqual([]);
  });

  it("004: the 08:00 topic names the day's person (the 09:00 hand-off), not yesterday's", () => {
    // Tuesday 2026-03-03, 07:59 London (GMT).
    const h = harness({ policy: 'examples/policies/004-support-processes.yaml', start: '2026-03-03T07:59:00Z' });
    bootstrapTimers(h.svc);
    h.advance(2 * MIN);
    const topics = h.posts((r) => r.kind === 'topic').map((r) => `${r.createdAt.toISOString().slice(11, 16)} ${(r.body as { text: string }).text}`);
    const nineOClock = whoIsOnCall(h.db, h.policy, 'rota', new Date('2026-03-03T09:00:00Z')).person!;
    const eightOClock = whoIsOnCall(h.db, h.policy, 'rota', new Date('2026-03-03T08:00:00Z')).person!;
    expect(nineOClock).not.toBe(eightOClock);
    expect(topics).toEqual([`08:00 On rota today: @${nineOClock}`]);
  });
});
