// The /incident definition: one function of the policy, the checked-in manifest equal to it for
// the bundled policy, `klaxon register-discord-commands` PUTting it to the fake guild, and the
// mapping from typed options back to the service's Command.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { commandManifest, incidentCommand, SUBCOMMANDS } from '../../src/chat/discord/commands.js';
import { commandFromOptions, type OptionReader } from '../../src/domain/commands.js';
import { BUNDLED_POLICY } from '../../src/config/env.js';
import { loadPolicy } from '../../src/config/policy/index.js';
import { registerDiscordCommandsCommand } from '../../src/cli/register-discord.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { SUPPORT_POLICY } from '../fakes/discord/harness.js';

const MANIFEST = 'manifests/discord-commands.json';

describe('the /incident definition', () => {
  it('manifests/discord-commands.json is what the code builds from the bundled policy', () => {
    // To refresh it: KLAXON_POLICY=examples/policies/default.yaml npx tsx src/cli.ts register-discord-commands --print > manifests/discord-commands.json
    expect(JSON.parse(readFileSync(MANIFEST, 'utf8'))).toEqual(commandManifest(loadPolicy(BUNDLED_POLICY)));
  });

  it('stays inside Discord’s limits and takes choices from the policy', () => {
    const policy = loadPolicy(SUPPORT_POLICY);
    const cmd = incidentCommand(policy);
    const subs = cmd.options as { name: string; description: string; options: { name: string; description: string; required?: boolean; choices?: { name: string; value: string }[] }[] }[];
    expect(subs.map((s) => s.name)).toEqual([...SUBCOMMANDS]);
    expect(subs.length).toBeLessThanOrEqual(25);
    for (const s of subs) {
      expect(s.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(s.description.length).toBeLessThanOrEqual(100);
      // Required options must come before optional ones.
      const firstOptional = s.options.findIndex((o) => !o.required);
      if (firstOptional >= 0) expect(s.options.slice(firstOptional).every((o) => !o.required)).toBe(true);
      for (const o of s.options) {
        expect(o.description.length).toBeLessThanOrEqual(100);
        for (const c of o.choices ?? []) expect(c.name.length).toBeLessThanOrEqual(100);
      }
    }
    const declare = subs.find((s) => s.name === 'declare')!;
    expect(declare.options.find((o) => o.name === 'severity')?.choices?.map((c) => c.value)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    const role = subs.find((s) => s.name === 'role')!;
    expect(role.options.find((o) => o.name === 'role')?.choices?.map((c) => c.value)).toEqual(policy.roles);
    const page = subs.find((s) => s.name === 'page')!;
    expect(page.options.find((o) => o.name === 'policy')?.choices?.map((c) => c.value)).toEqual(['default', 'security', 'comms']);
  });
});

describe('klaxon register-discord-commands', () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await fake?.close();
    vi.restoreAllMocks();
  });

  it('PUTs the definition built from the configured policy to the policy’s guild', async () => {
    fake = await FakeDiscord.start({ guild: { id: '500000000000000001' }, channels: [] });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_URL: fake.apiUrl, KLAXON_POLICY: SUPPORT_POLICY };
    expect(await registerDiscordCommandsCommand([], env)).toBe(0);
    expect(fake.registeredCommands).toEqual([{ path: `/applications/${fake.appId}/guilds/500000000000000001/commands`, body: commandManifest(loadPolicy(SUPPORT_POLICY)) }]);
    expect(fake.requests.at(-1)?.auth).toBe(`Bot ${fake.token}`);
    expect(log.mock.calls[0][0]).toMatch(/Registered \/incident \(25 subcommands\) in guild 500000000000000001/);
  });

  it('explains what is missing: credentials, a guild, a valid token', async () => {
    fake = await FakeDiscord.start({ guild: { id: '1' }, channels: [] });
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await registerDiscordCommandsCommand([], { KLAXON_POLICY: SUPPORT_POLICY })).toBe(1);
    expect(err.mock.calls.at(-1)?.[0]).toMatch(/DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set/);
    const creds = { DISCORD_TOKEN: 'wrong', DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_URL: fake.apiUrl };
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const noGuild = join(dir, 'policy.yaml');
    writeFileSync(noGuild, 'severities: [{ id: sev1, description: Outage }]\n');
    expect(await registerDiscordCommandsCommand([], { ...creds, KLAXON_POLICY: noGuild })).toBe(1);
    expect(err.mock.calls.at(-1)?.[0]).toMatch(/No guild: set channels.discord.guild/);
    expect(await registerDiscordCommandsCommand(['--guild', '1'], { ...creds, KLAXON_POLICY: noGuild })).toBe(1);
    expect(err.mock.calls.at(-1)?.[0]).toMatch(/401 .*check DISCORD_TOKEN/);
    expect(fake.registeredCommands).toEqual([]);
  });
});

describe('options → Command', () => {
  const reader = (subcommand: string, o: Record<string, string | number> = {}): OptionReader => ({
    subcommand,
    string: (n) => (typeof o[n] === 'string' ? (o[n] as string) : null),
    integer: (n) => (typeof o[n] === 'number' ? (o[n] as number) : null),
    user: (n) => (typeof o[n] === 'string' && n === 'user' ? (o[n] as string) : null),
  });

  it('maps each subcommand', () => {
    expect(commandFromOptions(reader('declare', { title: ' API down ', severity: 'sev1' }))).toEqual({ ok: true, command: { kind: 'declare', title: 'API down', severity: 'sev1' } });
    expect(commandFromOptions(reader('update', { text: 'rolled back', status: 'monitoring', incident: 3 }))).toEqual({
      ok: true, command: { kind: 'update', incident: 3, status: 'monitoring', text: 'rolled back' },
    });
    expect(commandFromOptions(reader('role', { role: 'comms', user: '42' }))).toEqual({ ok: true, command: { kind: 'role', role: 'comms', user: { id: '42' } } });
    expect(commandFromOptions(reader('page', { schedule: 'primary', incident: 2 }))).toEqual({
      ok: true, command: { kind: 'page', incident: 2, target: { type: 'schedule', name: 'primary' } },
    });
    expect(commandFromOptions(reader('page', { policy: 'security' }))).toMatchObject({ ok: true, command: { target: { type: 'policy', name: 'security' } } });
    expect(commandFromOptions(reader('override', { schedule: 'primary', user: '42', duration: '4h' }))).toMatchObject({
      ok: true, command: { kind: 'override', duration: { kind: 'wall', ms: 4 * 3_600_000 } },
    });
    expect(commandFromOptions(reader('stats', { window: '30d' }))).toMatchObject({ ok: true, command: { kind: 'stats', window: { ms: 30 * 86_400_000 } } });
    expect(commandFromOptions(reader('safe-mode', { state: 'on' }))).toEqual({ ok: true, command: { kind: 'safe_mode', on: true } });
    expect(commandFromOptions(reader('automation', { state: 'off' }))).toEqual({ ok: true, command: { kind: 'automation', on: false } });
    expect(commandFromOptions(reader('postmortem', { done: 'https://x.test/pm', incident: 1 }))).toEqual({ ok: true, command: { kind: 'postmortem', incident: 1, done: 'https://x.test/pm' } });
    expect(commandFromOptions(reader('list'))).toEqual({ ok: true, command: { kind: 'list' } });
  });

  it('answers what is wrong with the right form', () => {
    expect(commandFromOptions(reader('page', { schedule: 'primary', policy: 'default' }))).toEqual({
      ok: false, error: 'Choose exactly one of user, schedule or policy to page.\nUsage: /incident page [#N] <@user|schedule|policy>',
    });
    expect(commandFromOptions(reader('stats', { window: 'lately' }))).toMatchObject({ ok: false, error: expect.stringMatching(/"lately" is not a period/) });
    expect(commandFromOptions(reader('frobnicate'))).toMatchObject({ ok: false, error: expect.stringMatching(/re-registering/) });
  });
});
