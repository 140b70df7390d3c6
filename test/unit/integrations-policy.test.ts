// The `integrations:` section of the policy: validated with path-naming errors, and check-policy
// warns about integrations whose token variable is unset.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from '../../src/config/policy/index.js';
import { checkPolicy } from '../../src/cli/check-policy.js';
import { policyWithIntegrations, TOKENS } from '../integrations/fixtures.js';

const base = policyWithIntegrations().split('\nintegrations:')[0];

function issues(integrations: string): string[] {
  try {
    parsePolicy(`${base}\nintegrations:\n${integrations}`, 'test.yaml');
  } catch (e) {
    return (e as PolicyError).issues;
  }
  return [];
}

describe('integrations in the policy', () => {
  it('parses the SPEC example with its defaults', () => {
    const p = parsePolicy(policyWithIntegrations());
    expect(p.integrations.prometheus).toEqual({
      type: 'alertmanager',
      token_env: 'KLAXON_PROMETHEUS_TOKEN',
      severity: { label: 'severity', map: { critical: 'sev1', warning: 'sev3' }, default: 'sev3' },
      resolve: 'auto',
      max_open: 20,
      rate_limit: 600,
    });
    expect(p.integrations['nightly-backup'].expect_every).toBe(25 * 3600_000);
    expect(parsePolicy(base).integrations).toEqual({});
  });

  it('names the path of every problem', () => {
    expect(
      issues(`  prom:
    type: alertmanagr
    token_env: "not a var"
  hb:
    type: heartbeat
    token_env: HB
    severity: { map: { critical: sev9 }, default: sev0 }
  am:
    type: alertmanager
    token_env: AM
    expect_every: 5m
    max_open: 0
    resolve: later
  "bad id!":
    type: grafana
    token_env: G
  slow:
    type: heartbeat
    token_env: S
    expect_every: 2 business days
    colour: red
`),
    ).toEqual(
      expect.arrayContaining([
        'integrations.prom.type: "alertmanagr" is not one of alertmanager, grafana, events_v2, heartbeat',
        'integrations.prom.token_env: expected an environment variable name (e.g. KLAXON_PROMETHEUS_TOKEN)',
        'integrations.hb.expect_every: required for a heartbeat (e.g. 25h)',
        'integrations.hb.severity.map.critical: unknown severity "sev9"',
        'integrations.hb.severity.default: unknown severity "sev0"',
        'integrations.am.expect_every: only a heartbeat has expect_every',
        'integrations.am.max_open: expected a whole number ≥ 1',
        'integrations.am.resolve: "later" is not auto or note',
        'integrations["bad id!"]: an id is letters, digits, "-" and "_" (it goes into the URL)',
        'integrations.slow.expect_every: "2 business days" is not a wall-clock duration of at least 1s (e.g. 25h)',
        expect.stringMatching(/^integrations\.slow\.colour: unknown key/),
      ]),
    );
  });

  it('check-policy lists integrations and warns, without failing, when a token variable is unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, policyWithIntegrations());
    const r = checkPolicy(file, { KLAXON_PROMETHEUS_TOKEN: TOKENS.KLAXON_PROMETHEUS_TOKEN });
    expect(r.ok).toBe(true);
    expect(r.output).toContain('Integrations: prometheus (alertmanager, token in KLAXON_PROMETHEUS_TOKEN)');
    expect(r.output).toContain('⚠ integrations.uptime.token_env: KLAXON_UPTIME_TOKEN is unset');
    expect(r.output).not.toContain('⚠ integrations.prometheus');
    expect(checkPolicy(file, TOKENS).output).not.toContain('⚠');
  });
});
