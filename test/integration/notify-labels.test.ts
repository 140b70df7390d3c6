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
const told = async (h: H) => [...new Set((await h.posts((p) => p.kind === 'post' && p.destination !== 'incident' && p.destination !== 'channel:announcements')).map((p) => p.destination))].sort();

describe('notify rules filtered by label', () => {
  it('an unlabelled Sev 1 tells leadership only; a security one also DMs the liaison', async () => {
    const h = start();
    await h.run('alice', 'declare sev1 Checkout down');
    expect(await told(h)).toEqual(['channel:leadership']);
    const h2 = start();
    expect((await h2.run('alice', 'declare sev1 Token leak --label security')).ok).toBe(true);
    expect((await getIncident(h2.db, 1))!.title).toBe('Token leak');
    expect((await getIncident(h2.db, 1))!.labels).toEqual({ kind: 'security' });
    expect(await told(h2)).toEqual(['channel:leadership', 'dm:sam']);
    expect((await h2.run('alice', 'status')).text).toContain('Labels: kind=security');
  });

  it('every listed label must match, any listed value will do, case-insensitively', async () => {
    const h = start();
    await h.run('alice', 'declare sev1 Login data exposed --label kind=Privacy --label team=auth');
    expect(await told(h)).toEqual(['channel:leadership', 'channel:privacy']);
    const h2 = start();
    await h2.run('alice', 'declare sev1 Login data exposed --label kind=privacy --label team=search');
    expect(await told(h2)).toEqual(['channel:leadership']);
  });

  it('a raise to a severity with a label rule applies it to the labelled incident', async () => {
    const h = harness({ yaml: POLICY.replace('- { id: sev2', '- { id: sev3, description: Minor }\n  - { id: sev2') });
    await h.run('alice', 'declare sev3 Odd logins --label kind=security');
    expect(await told(h)).toEqual([]);
    await h.run('alice', 'severity sev1');
    expect(await told(h)).toEqual(['channel:leadership', 'dm:sam']);
  });

  it('a bad label is refused with the right form and declares nothing', async () => {
    const h = start();
    for (const text of ['declare sev1 Leak --label', 'declare sev1 Leak --label =x', 'declare sev1 Leak --label kind=', 'declare sev1 Leak --label 9x=y']) {
      const r = await h.run('alice', text);
      expect(r.ok, text).toBe(false);
      expect(r.text).toContain('declare [sev] <title> [--label key=value]');
    }
    expect(await getIncident(h.db, 1)).toBeUndefined();
    expect(await h.posts()).toEqual([]);
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
  it('a Sev 1 outage leaves Sid alone; a Sev 3 report labelled security tells him', async () => {
    const h = harness({ policy: 'examples/policies/000-support-runbook.yaml' });
    const sid = async () => (await h.posts((p) => p.kind === 'post' && p.destination === 'dm:sid')).length;
    await h.run('priya', 'declare sev1 Docs site down');
    expect(await sid()).toBe(0);
    await h.run('priya', 'declare sev3 Token visible in example logs --label security');
    expect(await sid()).toBe(1);
  });
});
