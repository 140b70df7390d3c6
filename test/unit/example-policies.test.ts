// The bundled policies are the proof that each runbook in ../shared/seeds runs from a
// policy file alone: these tests pin the runbooks' own figures.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Duration } from '../../src/domain/duration.js';
import { findSeverity, loadPolicy, type Policy, type Severity } from '../../src/config/policy/index.js';

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

  it('Sev 3: acknowledge 4 business hours, resolve 3 business days, daily updates', () => {
    const s = sev(p, 'sev3');
    expect(s.targets?.acknowledge).toEqual(business('hours', 4));
    expect(s.targets?.resolve).toEqual(business('days', 3));
    expect(s.updates?.every).toEqual(wall(24 * HOUR));
  });

  it('Sev 4: acknowledge 1 business day, no resolution target (backlog)', () => {
    const s = sev(p, 'sev4');
    expect(s.targets?.acknowledge).toEqual(business('days', 1));
    expect(s.targets?.resolve).toBeUndefined();
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
    expect(d?.channels.length).toBeGreaterThan(0);
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

  it('SEV-0 checklist turns automation off and safe mode on', () => {
    const checklist = sev(p, 'sev0').checklist;
    expect(checklist.some((c) => c.includes('automation_enabled=false'))).toBe(true);
    expect(checklist.some((c) => c.includes('safe_mode=true'))).toBe(true);
    expect(sev(p, 'sev1').checklist.some((c) => c.includes('safe_mode=true'))).toBe(true);
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
    expect(s?.in_hours).toBeDefined();
    expect(s?.out_of_hours).toBeDefined();
    for (const text of [s?.in_hours, s?.out_of_hours]) expect(text).not.toMatch(/\bwithin\b|\bby (today|tomorrow)\b|\bresolved? in\b/i);
  });
});
