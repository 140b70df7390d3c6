// Discord's 8,000-character limit per application command, caught before Discord refuses it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { commandChars, commandSizeProblem, DISCORD_COMMAND_LIMIT } from '../../src/chat/discord/command-size.js';
import { incidentCommand } from '../../src/chat/discord/commands.js';
import { checkPolicy } from '../../src/cli/check-policy.js';
import { registerDiscordCommandsCommand } from '../../src/cli/register-discord.js';
import { loadPolicy, parsePolicy } from '../../src/config/policy/index.js';

// Valid, and large: 10 severities with runbook-length descriptions, 15 roles, schedules and policies.
const n = (k: number) => Array.from({ length: k }, (_, i) => i + 1);
const BIG = `
people: { alice: { name: Alice, discord: "100000000000000001" } }
schedules:
${n(15).map((i) => `  rotation-for-the-platform-team-${i}: { rotation: weekly, start: 2026-01-05, members: [alice] }`).join('\n')}
escalation_policies:
${n(15).map((i) => `  escalation-for-the-platform-team-${i}: { tiers: [{ targets: [person:alice], ack_timeout: 15m }] }`).join('\n')}
roles: [${n(15).map((i) => `incident-role-number-${i}`).join(', ')}]
channels: { discord: { guild: "1", incidents: "2" } }
severities:
${n(10).map((i) => `  - { id: sev${i}, name: Severity level ${i}, description: "Customer-facing impact of category ${i}, as defined in the incident runbook" }`).join('\n')}
`;

describe('Discord command size', () => {
  it('counts names, descriptions and choice values all the way down', () => {
    expect(commandChars({ name: 'ab', description: 'cde', options: [{ name: 'f', choices: [{ name: 'gh', value: 'ij' }] }] })).toBe(2 + 3 + 1 + 4);
  });

  it('the bundled policy fits', () => {
    const policy = loadPolicy('examples/policies/default.yaml');
    expect(commandChars(incidentCommand(policy) as never)).toBeLessThanOrEqual(DISCORD_COMMAND_LIMIT);
    expect(commandSizeProblem(policy)).toBeUndefined();
  });

  it('a large valid policy is refused by check-policy, naming what to shorten, largest first', () => {
    const policy = parsePolicy(BIG);
    expect(commandSizeProblem(policy)).toMatch(/^Discord's \/incident would be [\d,]+ characters; Discord allows 8,000 per command\. Shorten [\d,]+ or more from the lists the policy supplies, largest first: schedule names [\d,]+, severities \(each choice is the label and the description\) [\d,]+, escalation policy names [\d,]+, roles [\d,]+\.$/);
    const file = join(mkdtempSync(join(tmpdir(), 'klaxon-size-')), 'big.yaml');
    writeFileSync(file, BIG);
    const r = checkPolicy(file);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/channels\.discord: Discord's \/incident would be/);
  });

  it('register-discord-commands refuses before calling Discord', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'klaxon-size-')), 'big.yaml');
    writeFileSync(file, BIG);
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    try {
      // DISCORD_API_URL points nowhere: reaching Discord would fail differently.
      const code = await registerDiscordCommandsCommand([], { KLAXON_POLICY: file, DISCORD_TOKEN: 'x', DISCORD_APPLICATION_ID: '123456', DISCORD_API_URL: 'http://127.0.0.1:9' });
      expect(code).toBe(1);
      expect(errors.join('\n')).toMatch(/would be [\d,]+ characters; Discord allows 8,000/);
    } finally {
      spy.mockRestore();
    }
  });
});
