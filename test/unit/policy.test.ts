import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/cli/check-policy.js';
import { DURATION_FORMS } from '../../src/domain/duration.js';
import {
  findSeverity, loadPolicy, parsePolicy, policyCalendar, PolicyError, severityNames, severityRank, summarizePolicy,
} from '../../src/config/policy/index.js';
import { errorsOf } from '../helpers/policy-errors.js';

// A small valid policy; tests break it one line at a time.
const BASE = `
timezone: Europe/London
people:
  alice: { name: Alice, slack: U01ALICE, discord: "111111111111111111" }
  bob: { name: Bob }
  erin: { name: Erin }
schedules:
  primary: { rotation: weekly, handoff: "mon 09:00", start: 2026-01-05, members: [alice, bob] }
  secondary: { rotation: weekly, start: 2026-01-05, members: [bob, alice] }
escalation_policies:
  default:
    repeat: 1
    tiers:
      - { targets: [schedule:primary], ack_timeout: 15m }
      - { targets: [schedule:secondary], ack_timeout: 15m }
      - { targets: [person:erin], ack_timeout: 30m }
groups: { responders: [alice, bob], admins: [erin, "discord-role:123"] }
permissions: { declare: anyone, resolve: [responders] }
severities:
  - id: sev1
    aliases: [critical, "Sev 1"]
    description: Widespread outage
    page: default
    targets: { acknowledge: 15m, resolve: 4h }
    updates: { every: 30m }
    postmortem: { required: true, due: 3 business days }
    notify: [leadership, admins]
  - id: sev2
    aliases: [major]
    description: Partial outage
    targets: { resolve: 3 business days }
channels: { slack: { announcements: C01ANNOUNCE, leadership: C01LEAD } }
`;

describe('parsePolicy: valid files', () => {
  const p = parsePolicy(BASE);

  it('turns durations into Duration objects', () => {
    expect(p.severities[0].targets?.acknowledge).toEqual({ kind: 'wall', ms: 15 * 60_000, text: '15m' });
    expect(p.severities[1].targets?.resolve).toEqual({ kind: 'business', unit: 'days', amount: 3, text: '3 business days' });
    expect(p.escalation_policies.default.tiers[2].ack_timeout.ms).toBe(30 * 60_000);
  });

  it('fills the documented defaults', () => {
    expect(p.business_hours).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', holidays: [] });
    expect(p.roles).toEqual(['commander', 'comms', 'scribe']);
    expect(p.reactions).toEqual({ acknowledge: ['white_check_mark', 'eyes'], timeline: ['pushpin'], declare: ['rotating_light'] });
    expect(p.default_severity).toBe('sev2'); // the least severe
    expect(p.severities[1]).toMatchObject({ aliases: ['major'], notify: [], public: false, runbooks: [], checklist: [] });
    expect(p.schedules.primary.shift_notices).toBe(true);
    expect(parsePolicy('severities: [{ id: a, description: d }]').timezone).toBe('UTC');
  });

  it('defaults the hand-off by rotation', () => {
    expect(p.schedules.secondary.handoff).toBe('mon 09:00');
    const daily = parsePolicy(`${BASE}\n`.replace('secondary: { rotation: weekly,', 'secondary: { rotation: daily,'));
    expect(daily.schedules.secondary.handoff).toBe('09:00');
  });

  it('keeps an unquoted 18-digit Discord id exact', () => {
    const q = parsePolicy(BASE.replace('discord: "111111111111111111"', 'discord: 123456789012345678'));
    expect(q.people.alice.discord).toBe('123456789012345678');
  });

  it('resolves default_severity given as an alias to its id', () => {
    expect(parsePolicy(`${BASE}default_severity: CRITICAL\n`).default_severity).toBe('sev1');
  });

  it('accepts full day names in business hours and normalises them', () => {
    const q = parsePolicy(`${BASE}business_hours: { days: [Monday, tue], start: "9:00", end: "17:30" }\n`);
    expect(q.business_hours.days).toEqual(['mon', 'tue']);
    expect(policyCalendar(q)).toEqual({ timezone: 'Europe/London', days: ['mon', 'tue'], start: '09:00', end: '17:30', holidays: [] });
  });
});

describe('parsePolicy: errors name their path', () => {
  it('reports a misspelt duration at its path (the spec example)', () => {
    const bad = BASE.replace('targets: { resolve: 3 business days }', 'targets: { resolve: 3 buisness days }');
    expect(errorsOf(bad)).toEqual([`severities[1].targets.resolve: "3 buisness days" is not a duration (accepted: ${DURATION_FORMS})`]);
    // The accepted words are spelled out, calendar deadlines included.
    expect(DURATION_FORMS).toContain('next business day');
    expect(DURATION_FORMS).toContain('end of business day');
    expect(DURATION_FORMS).toContain('by 17:00 on the next business day');
  });

  it('reports an unknown schedule in a tier (the brief example)', () => {
    const bad = BASE.replace('targets: [schedule:secondary]', 'targets: [schedule:primary, schedule:secundary]');
    expect(errorsOf(bad)).toEqual(['escalation_policies.default.tiers[1].targets[1]: unknown schedule "secundary"']);
  });

  it('collects every error, field and cross-reference alike', () => {
    const bad = BASE.replace('targets: { resolve: 3 business days }', 'targets: { resolve: 3 buisness days }')
      .replace('members: [alice, bob]', 'members: [alice, dave]')
      .replace('ack_timeout: 30m', 'ack_timeout: 2 business hours')
      .replace('timezone: Europe/London', 'timezone: Europe/Londn');
    const issues = errorsOf(bad);
    expect(issues).toEqual(expect.arrayContaining([
      'timezone: "Europe/Londn" is not an IANA time zone (e.g. Europe/London)',
      `severities[1].targets.resolve: "3 buisness days" is not a duration (accepted: ${DURATION_FORMS})`,
      expect.stringMatching(/^escalation_policies\.default\.tiers\[2\]\.ack_timeout: "2 business hours" is business time/),
      'schedules.primary.members[1]: unknown person "dave"',
    ]));
    expect(issues).toHaveLength(4);
  });

  it('puts every issue in the error message too', () => {
    try {
      parsePolicy(BASE.replace('person:erin', 'person:zoe'), 'team.yaml');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('team.yaml: 1 problem');
      expect((err as Error).message).toContain('escalation_policies.default.tiers[2].targets[0]: unknown person "zoe"');
    }
  });

  it('names the line of a YAML syntax error', () => {
    const issues = errorsOf('timezone: UTC\nseverities: [{ id: sev1, description: x }\npeople: {}\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^line [23], column \d+: /);
  });

  it('reports duplicate YAML keys with their line', () => {
    expect(errorsOf('timezone: UTC\ntimezone: UTC\n')[0]).toMatch(/^line 2, column 1: Map keys must be unique/);
  });

  it('rejects an empty file and a non-mapping', () => {
    expect(errorsOf('')).toEqual(['(top level): the policy is empty']);
    expect(errorsOf('- a\n- b\n')[0]).toMatch(/^\(top level\): expected a mapping/);
  });

  it('says "required" for missing fields', () => {
    expect(errorsOf('people: {}\n')).toEqual(['severities: required']);
    expect(errorsOf('severities: [{ id: a }]')).toEqual(['severities[0].description: required']);
  });

  it('rejects unknown keys, suggesting the intended one', () => {
    expect(errorsOf(`${BASE}severites: []\n`)).toEqual(['severites: unknown key (did you mean "severities"?)']);
    expect(errorsOf(BASE.replace('declare: anyone', 'declar: anyone'))).toEqual(['permissions.declar: unknown key (did you mean "declare"?)']);
    expect(errorsOf(BASE.replace('page: default', 'page: default\n    pages: default'))).toEqual(['severities[0].pages: unknown key']);
  });

  it('requires wall-clock ack timeouts and units on durations', () => {
    expect(errorsOf(BASE.replace('ack_timeout: 15m }\n      - { targets: [schedule:secondary]', 'ack_timeout: 15 }\n      - { targets: [schedule:secondary]'))).toEqual([
      'escalation_policies.default.tiers[0].ack_timeout: 15 is not a duration (give a unit, e.g. 15m)',
    ]);
  });

  it('checks target syntax, hand-offs, dates and clock times', () => {
    const bad = BASE.replace('targets: [person:erin]', 'targets: [erin]')
      .replace('handoff: "mon 09:00"', 'handoff: "someday 09:00"')
      .replace('start: 2026-01-05, members: [bob, alice]', 'start: 2026-02-30, members: [bob, alice]');
    expect(errorsOf(`${bad}business_hours: { start: "9am" }\n`).sort()).toEqual([
      'business_hours.start: "9am" is not a time of day (HH:MM)',
      'escalation_policies.default.tiers[2].targets[0]: "erin" is not a target (use schedule:NAME or person:NAME)',
      'schedules.primary.handoff: "someday 09:00" is not a weekly hand-off (like "mon 09:00")',
      'schedules.secondary.start: "2026-02-30" is not a date (YYYY-MM-DD)',
    ]);
    expect(errorsOf(`${BASE}business_hours: { start: "17:00", end: "09:00" }\n`)).toEqual(['business_hours.end: 09:00 is not after start 17:00']);
  });

  it('checks cross references', () => {
    const bad = BASE.replace('page: default', 'page: nope')
      .replace('notify: [leadership, admins]', 'notify: [leadership, ghosts]')
      .replace('resolve: [responders]', 'resolve: [responders, owners]')
      .replace('admins: [erin, "discord-role:123"]', 'admins: [erin, zed, "slack-usergroup:S1"]');
    expect(errorsOf(`${bad}default_severity: sev9\n`).sort()).toEqual([
      'default_severity: unknown severity "sev9"',
      'groups.admins[1]: unknown person "zed" (or use api, discord-role:ID or slack-usergroup:ID)',
      'permissions.resolve[1]: unknown group "owners"',
      'severities[0].notify[1]: unknown channel or group "ghosts"',
      'severities[0].page: unknown escalation policy "nope"',
    ]);
  });

  it('rejects severity ids and aliases used twice, ignoring case', () => {
    expect(errorsOf(BASE.replace('aliases: [major]', 'aliases: [major, CRITICAL]'))).toEqual([
      'severities[1].aliases[1]: "CRITICAL" is already used by severities[0]',
    ]);
  });

  it('checks template placeholders and names', () => {
    expect(errorsOf(`${BASE}templates: { declared: "{title} {severity} {bogus}", paged: "x" }\n`).sort()).toEqual([
      'templates.declared: unknown placeholder {bogus}',
      'templates.paged: unknown key (did you mean "page"?)',
    ]);
  });

  it('checks support and schedule announcements', () => {
    const bad = BASE.replace('members: [bob, alice] }', 'members: [bob, alice], announce: { topic: general, cron: "0 8 * *" } }');
    expect(errorsOf(`${bad}support: { discord: { security_keywords: [leak], in_hours: "hi {who}" }, slack: { security_severity: sev7 } }\n`).sort()).toEqual([
      'schedules.secondary.announce.cron: "0 8 * *" is not a cron expression',
      'schedules.secondary.announce.topic: unknown channel "general" (define it under channels)',
      'support.discord.in_hours: unknown placeholder {who}',
      'support.discord.security_severity: required when security_keywords are set',
      'support.slack.security_severity: unknown severity "sev7"',
    ]);
  });

  it('extension auto_escalate must name a policy', () => {
    expect(errorsOf(BASE.replace('aliases: [major]', 'aliases: [major]\n    auto_escalate: { after: 45m, page: secondary }'))).toEqual([
      'severities[1].auto_escalate.page: unknown escalation policy "secondary"',
    ]);
    const ok = parsePolicy(BASE.replace('aliases: [major]', 'aliases: [major]\n    auto_escalate: { after: 45m, page: default }'));
    expect(ok.severities[1].auto_escalate).toEqual({ after: { kind: 'wall', ms: 45 * 60_000, text: '45m' }, page: 'default' });
  });
});

describe('severity lookups', () => {
  const p = parsePolicy(BASE);

  it('finds by id or alias, case-insensitively and ignoring extra spaces', () => {
    expect(findSeverity(p, 'SEV1')?.id).toBe('sev1');
    expect(findSeverity(p, 'Critical')?.id).toBe('sev1');
    expect(findSeverity(p, '  sev   1 ')?.id).toBe('sev1');
    expect(findSeverity(p, 'MAJOR')?.id).toBe('sev2');
    expect(findSeverity(p, 'sev3')).toBeUndefined();
    expect(findSeverity(p, '')).toBeUndefined();
  });

  it('ranks most severe first', () => {
    expect(severityRank(p, 'sev1')).toBe(0);
    expect(severityRank(p, 'major')).toBe(1);
    expect(severityRank(p, 'nope')).toBe(-1);
  });

  it('lists every id and alias for the command parser', () => {
    expect(severityNames(p)).toEqual(['sev1', 'critical', 'Sev 1', 'sev2', 'major']);
  });

  it('summarises what the policy will do', () => {
    const text = summarizePolicy(p);
    expect(text).toContain('Europe/London');
    expect(text).toMatch(/sev1: aka critical, Sev 1; ack 15m; resolve 4h; updates every 30m; pages default; postmortem due 3 business days/);
    expect(text).toMatch(/default \(3 tiers, repeat 1\)/);
  });

  it('explains each runbook word: mitigate target, fixed-time updates, checklists, public after, actions, reminders', () => {
    const text = summarizePolicy(parsePolicy(`
timezone: UTC
channels: { slack: { ops: C1 } }
checklists: { intake: [a, b] }
actions: { flip: { url: "https://admin.example.com/flip", headers_env: { Authorization: FLIP_TOKEN } } }
reminders: [{ cron: "0 9 * * 1", channel: ops, text: Purge }]
severities:
  - id: sev1
    description: x
    public: true
    publish_after: 5m
    targets: { acknowledge: 15m, mitigate: 1h, resolve: next business day }
    updates: { at: ["10:00", "16:00"] }
    checklist: [one]
    checklists: { declared: [{ use: intake }], resolved: [close] }
`));
    expect(text).toContain('sev1: ack 15m; mitigate 1h; resolve next business day; updates at 10:00, 16:00 on business days; no paging; public after 5m; checklists declared 3, resolved 1');
    expect(text).toContain('  flip: POST https://admin.example.com/flip, asks to confirm, secret from FLIP_TOKEN, timeout 10s');
    expect(text).toContain('Reminder: "Purge" to ops at cron "0 9 * * 1" (UTC)');
  });
});

describe('loadPolicy and checkPolicy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-policy-'));

  it('loads a file and reports a missing one as a PolicyError', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, BASE);
    expect(loadPolicy(file).severities).toHaveLength(2);
    expect(() => loadPolicy(join(dir, 'missing.yaml'))).toThrow(PolicyError);
  });

  it('check-policy prints a summary on success', () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, BASE);
    const r = checkPolicy(file);
    expect(r.ok).toBe(true);
    expect(r.output).toContain('is a valid policy');
    expect(r.output).toContain('Severities');
  });

  it('check-policy prints every error line on failure', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, BASE.replace('resolve: 3 business days', 'resolve: 3 buisness days').replace('person:erin', 'person:zoe'));
    const r = checkPolicy(file);
    expect(r.ok).toBe(false);
    expect(r.output.split('\n')).toEqual([
      `✗ ${file}: 2 problems`,
      `  severities[1].targets.resolve: "3 buisness days" is not a duration (accepted: ${DURATION_FORMS})`,
      '  escalation_policies.default.tiers[2].targets[0]: unknown person "zoe"',
    ]);
  });
});
