// `klaxon integrations`: every integration's URL and a ready-to-paste sender configuration,
// with tokens shown only as the variable that holds them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { integrationsGuide } from '../../src/cli/integrations.js';
import { parsePolicy } from '../../src/config/policy/index.js';
import { policyWithIntegrations, TOKENS } from '../integrations/fixtures.js';

const policy = parsePolicy(policyWithIntegrations());

/** The indented block that follows a heading line such as "  Alertmanager (alertmanager.yml):". */
function block(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(heading)) + 1;
  const body: string[] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('    ')) break;
    body.push(l.slice(4));
  }
  return body.join('\n');
}

describe('klaxon integrations', () => {
  it('prints each URL with the token elided and says which token variables are unset', () => {
    const out = integrationsGuide(policy, 'https://klaxon.example.com/', { KLAXON_PROMETHEUS_TOKEN: TOKENS.KLAXON_PROMETHEUS_TOKEN });
    expect(out).toContain('prometheus (alertmanager) — token in KLAXON_PROMETHEUS_TOKEN (set)');
    expect(out).toContain('POST https://klaxon.example.com/integrations/v1/prometheus ');
    expect(out).toContain('POST https://klaxon.example.com/integrations/v1/prometheus/<KLAXON_PROMETHEUS_TOKEN>');
    expect(out).toContain('uptime (events_v2) — token in KLAXON_UPTIME_TOKEN (UNSET: uptime answers 404 until it is set)');
    expect(out).toContain('curl -fsS -X POST https://klaxon.example.com/integrations/v1/nightly-backup/$KLAXON_BACKUP_TOKEN');
    for (const token of Object.values(TOKENS)) expect(out).not.toContain(token);
  });

  it('gives an Alertmanager receiver and a Grafana contact point that parse as YAML and point at Klaxon with a Bearer token', () => {
    const out = integrationsGuide(policy, 'https://klaxon.example.com', TOKENS);
    const am = parse(block(out, 'Alertmanager (alertmanager.yml):'));
    expect(am.receivers[0].webhook_configs[0]).toMatchObject({
      url: 'https://klaxon.example.com/integrations/v1/prometheus',
      send_resolved: true,
      http_config: { authorization: { type: 'Bearer', credentials: '<the value of KLAXON_PROMETHEUS_TOKEN>' } },
    });
    const grafana = parse(block(out, 'Grafana contact point:'));
    expect(grafana.contactPoints[0].receivers[0]).toMatchObject({
      type: 'webhook',
      settings: { url: 'https://klaxon.example.com/integrations/v1/grafana', authorization_scheme: 'Bearer' },
    });
  });

  it('runs from the command line against the configured policy', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'klaxon-int-')), 'p.yaml');
    writeFileSync(file, policyWithIntegrations());
    const r = spawnSync(process.execPath, ['bin/klaxon.js', 'integrations', '--url', 'https://k.example.com'], {
      env: { ...process.env, KLAXON_POLICY: file, ...TOKENS },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('https://k.example.com/integrations/v1/uptime');
    for (const token of Object.values(TOKENS)) expect(r.stdout).not.toContain(token);
  });
});
