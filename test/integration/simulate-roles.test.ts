// `klaxon simulate` with the roles policy of roles.test.ts. Simulate runs on a scratch SQLite
// database in memory whatever store Klaxon uses, so this file is in SQLite's project only.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/cli/simulate.js';
import { parsePolicy } from '../../src/config/policy/index.js';
import { MINUTE } from '../helpers/harness.js';
import { ROLES_YAML as YAML } from './roles-policy.js';

describe('klaxon simulate', () => {
  it('shows who would hold each role at the simulated time, and the acknowledger taking theirs', async () => {
    const policy = parsePolicy(YAML);
    const r = await simulate({ policy, severity: 'sev3', start: new Date('2026-03-04T03:00:00Z'), ackAfterMs: 5 * MINUTE });
    expect(r.roles).toEqual([
      'commander: open (required) — goes to whoever acknowledges first',
      'comms: Uma since 2026-03-04 03:00 UTC (on call for comms-lead)',
      'scribe: open',
      'investigator: open — goes to whoever acknowledges first',
      'liaison: Erin since 2026-03-04 03:00 UTC (named by the policy)',
    ]);
    expect(r.events.map((e) => `${e.offset} ${e.text}`)).toContain('+5m Alice is commander (acknowledged first)');
    // A week later Bob is on call: the same simulation names him.
    const later = await simulate({ policy: policy, severity: 'sev2', start: new Date('2026-03-11T03:00:00Z') });
    expect(later.roles[0]).toBe('commander: Bob since 2026-03-11 03:00 UTC (on call for primary)');
  });
});