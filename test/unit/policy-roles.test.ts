// The `roles` keys of a policy (issue #16): both forms, per-severity overrides, and every role
// source that names nothing refused with its path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/cli/check-policy.js';
import { parsePolicy } from '../../src/config/policy/index.js';
import { errorsOf } from '../helpers/policy-errors.js';

const base = (roles: string, severityExtra = '') => `
people:
  alice: { name: Alice }
  bob: { name: Bob }
schedules:
  primary: { rotation: weekly, start: 2026-01-05, members: [alice, bob] }
${roles}
severities:
  - id: sev1
    description: Outage
${severityExtra}
  - id: sev2
    description: Degraded
`;

describe('policy roles', () => {
  it('the list form names roles; the declarer commands and the rest are taken by hand', () => {
    const p = parsePolicy(base('roles: [commander, comms, scribe]'));
    expect(p.roles).toEqual(['commander', 'comms', 'scribe']);
    expect(p.role_rules).toEqual({ commander: [{ kind: 'declarer' }], comms: [], scribe: [] });
  });

  it('without a roles key the roles are commander, comms and scribe, as before', () => {
    const p = parsePolicy(base(''));
    expect(p.roles).toEqual(['commander', 'comms', 'scribe']);
    expect(p.role_rules.commander).toEqual([{ kind: 'declarer' }]);
    expect(p.role_grace).toEqual({ kind: 'wall', ms: 10 * 60_000, text: '10m' });
  });

  it('the map form gives each role a source, a fallback list, or nothing', () => {
    const p = parsePolicy(
      base(
        'roles: { commander: [declarer, schedule:primary], comms: person:bob, scribe: acknowledger, observer: ~ }\nrole_grace: 5m',
        '    roles: { commander: schedule:primary }\n    required_roles: [commander]\n    role_grace: 2 business hours',
      ),
    );
    expect(p.role_rules).toEqual({
      commander: [{ kind: 'declarer' }, { kind: 'schedule', name: 'primary' }],
      comms: [{ kind: 'person', name: 'bob' }],
      scribe: [{ kind: 'acknowledger' }],
      observer: [],
    });
    expect(p.severities[0].roles).toEqual({ commander: [{ kind: 'schedule', name: 'primary' }] });
    expect(p.severities[0].required_roles).toEqual(['commander']);
    expect(p.severities[0].role_grace).toMatchObject({ kind: 'business', text: '2 business hours' });
    expect(p.severities[1].required_roles).toEqual([]);
  });

  it('a map without a commander still has one, filled by the declarer', () => {
    const p = parsePolicy(base('roles: { comms: person:bob }'));
    expect(p.roles).toEqual(['commander', 'comms']);
    expect(p.role_rules.commander).toEqual([{ kind: 'declarer' }]);
  });

  it('refuses sources naming a missing schedule or person, and unknown roles, each with its path', () => {
    expect(
      errorsOf(
        base(
          'roles: { commander: schedule:primry, comms: [person:alice, person:zed], scribe: declarer }',
          '    roles: { comander: schedule:primary, scribe: schedule:nope }\n    required_roles: [commander, lead]',
        ),
      ),
    ).toEqual([
      'roles.commander: unknown schedule "primry"',
      'roles.comms[1]: unknown person "zed"',
      'severities[0].roles.comander: unknown role "comander" (roles: commander, comms, scribe)',
      'severities[0].roles.scribe: unknown schedule "nope"',
      'severities[0].required_roles[1]: unknown role "lead" (roles: commander, comms, scribe)',
    ]);
  });

  it('refuses a source that is not one, a source after acknowledger, and a roles value of the wrong shape', () => {
    expect(errorsOf(base('roles: { commander: oncall, comms: [acknowledger, person:bob] }'))).toEqual([
      'roles.commander: "oncall" is not a role source (use schedule:NAME, person:NAME, declarer or acknowledger)',
      'roles.comms: acknowledger must be the last source: the role waits for the first acknowledgement',
    ]);
    expect(errorsOf(base('roles: 5'))).toEqual(['roles: expected a list of role names or a map of role: source, got 5']);
  });

  it('check-policy refuses a role source naming a missing schedule and shows the sources of a valid file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-roles-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, base('roles: { commander: schedule:primary, comms: schedule:comms-lead }'));
    expect(checkPolicy(bad)).toEqual({ ok: false, output: `✗ ${bad}: 1 problem\n  roles.comms: unknown schedule "comms-lead"` });
    const good = join(dir, 'good.yaml');
    writeFileSync(good, base('roles: { commander: schedule:primary, scribe: declarer }', '    required_roles: [commander]'));
    const r = checkPolicy(good);
    expect(r.ok).toBe(true);
    expect(r.output).toContain('roles: commander ← schedule:primary, scribe ← declarer');
    expect(r.output).toContain('sev1: no paging; requires commander within 10m');
  });
});
