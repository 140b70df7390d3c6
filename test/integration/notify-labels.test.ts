// `notify` limited by incident labels (runbook 000: "security/privacy incidents notify the Security
// Liaison", not every Sev 1). Labels come from `declare … --label`, the API, alerts and the support
// security keywords.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/domain/commands.js';
import { getIncident } from '../../src/service/incident-view.js';
import { harness } from '../helpers/harness.js';
import { errorsOf } from '../helpers/policy-errors.js';

const POLICY = `
people: { alice: { name: Alice }, sam: { name: Sam } }
groups: { security-liaison: [sam], responders: [alice] }
channels: { slack: { announcements: C1, leadership: C2, privacy: C3 } }
severities:
  - id: sev1
    description: Outage
    notify:
      - leadership
      - { to: security-liaison, labels: { kind: security } }
      - { to: privacy, labels: { kind: [security, privacy], team: auth } }
  - { id: sev2, description: Degraded, notify: [{ to: security-liaison, labels: { kind: security } }] }
`;
const start = () => harness({ yaml: POLICY });
type H = ReturnType<typeof start>;
const told = (h: H) => [...new Set(h.posts((p) => p.kind === 'post' && p.destination !== 'incident' && p.destination !== 'channel:announcements').map((p) => p.destination))].sort();

describe('notify rules filtered by label', () => {
  it('an unlabelled Sev 1 tells leadership only; a security one also DMs the liaison', () => {
    const h = start();
    h.run('alice', 'declare sev1 Checkout down');
    expect(told(h)).toEqual(['channel:leadership']);
    const h2 = start();
    expect(h2.run('alice', 'declare sev1 Token leak --label security').ok).toBe(true);
    expect(getIncident(h2.db, 1)!.title).toBe('Token leak');
    expect(getIncident(h2.db, 1)!.labels).toEqual({ kind: 'security' });
    expect(told(h2)).toEqual(['channel:leadership', 'dm:sam']);
    expect(h2.run('alice', 'status').text).toContain('Labels: kind=security');
  });

  it('every listed label must match, any listed value will do, case-insensitively', () => {
    const h = start();
    h.run('alice', 'declare sev1 Login data exposed --label kind=Privacy --label team=auth');
    expect(told(h)).toEqual(['channel:leadership', 'channel:privacy']);
    const h2 = start();
    h2.run('alice', 'declare sev1 Login data exposed --label kind=privacy --label team=search');
    expect(told(h2)).toEqual(['channel:leadership']);
  });

  it('a raise to a severity with a label rule applies it to the labelled incident', () => {
    const h = harness({ yaml: POLICY.replace('- { id: sev2', '- { id: sev3, description: Minor }\n  - { id: sev2') });
    h.run('alice', 'declare sev3 Odd logins --label kind=security');
    expect(told(h)).toEqual([]);
    h.run('alice', 'severity sev1');
    expect(told(h)).toEqual(['channel:leadership', 'dm:sam']);
  });

  it('a bad label is refused with the right form and declares nothing', () => {
    const h = start();
    for (const text of ['declare sev1 Leak --label', 'declare sev1 Leak --label =x', 'declare sev1 Leak --label kind=', 'declare sev1 Leak --label 9x=y']) {
      const r = h.run('alice', text);
      expect(r.ok, text).toBe(false);
      expect(r.text).toContain('declare [sev] <title> [--label key=value]');
    }
    expect(getIncident(h.db, 1)).toBeUndefined();
    expect(h.posts()).toEqual([]);
  });

  it('parses labels anywhere in the text and leaves a title without them exactly as typed', () => {
    const ok = (t: string) => parseCommand(t, { severities: ['sev1'] });
    expect(ok('declare --label kind=security sev1 Token  leak --label team=auth')).toEqual({
      ok: true,
      command: { kind: 'declare', severity: 'sev1', title: 'Token leak', labels: { kind: 'security', team: 'auth' } },
    });
    expect(ok('declare sev1 Token  leak')).toEqual({ ok: true, command: { kind: 'declare', severity: 'sev1', title: 'Token  leak' } });
    expect(ok('declare sev1 --label security')).toMatchObject({ ok: false, error: 'missing title' });
  });

  it('check-policy names an unknown target and an empty filter', () => {
    expect(errorsOf(POLICY.replace('{ to: security-liaison, labels: { kind: security } }', '{ to: liaison, labels: { kind: security } }'))).toContain(
      'severities[0].notify[1].to: unknown channel or group "liaison"',
    );
    expect(errorsOf(POLICY.replace('{ to: security-liaison, labels: { kind: security } }', '{ to: security-liaison, labels: {} }')).join('\n')).toContain(
      'needs at least one label (e.g. kind: security)',
    );
  });
});

describe('runbook 000: security incidents notify the Security Liaison, not every Sev 1', () => {
  it('a Sev 1 outage leaves Sid alone; a Sev 3 report labelled security tells him', () => {
    const h = harness({ policy: 'examples/policies/000-support-runbook.yaml' });
    const sid = () => h.posts((p) => p.kind === 'post' && p.destination === 'dm:sid').length;
    h.run('priya', 'declare sev1 Docs site down');
    expect(sid()).toBe(0);
    h.run('priya', 'declare sev3 Token visible in example logs --label security');
    expect(sid()).toBe(1);
  });
});
