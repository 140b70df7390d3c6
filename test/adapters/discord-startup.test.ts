// Discord switched on the way `klaxon start` does it (attachPlatforms with DISCORD_* set): the
// adapter connects and /healthz reports it; a rejected token stops start-up with one clear line.
import { afterEach, expect, it } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { attachPlatforms } from '../../src/chat/platforms.js';
import { loadEnv } from '../../src/config/env.js';
import { loadPolicy } from '../../src/config/policy/index.js';
import { mountHttp } from '../../src/http/routes.js';
import { createLogger } from '../../src/log.js';
import { FakeClock } from '../../src/service/clock.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { apiError, FakeDiscord } from '../fakes/discord/index.js';
import { SUPPORT_POLICY, WED_11 } from '../fakes/discord/harness.js';

let fake: FakeDiscord;
let app: KlaxonApp | undefined;
afterEach(async () => {
  await app?.stop();
  if (app) closeDb(app.opts.db);
  app = undefined;
  await fake.close().catch(() => undefined); // one test closes it itself
});

async function boot(token: string) {
  const env = loadEnv({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_URL: fake.apiUrl, PORT: '0', KLAXON_POLICY: SUPPORT_POLICY });
  app = new KlaxonApp({ env, policy: loadPolicy(env.policyPath), db: openDb(':memory:'), clock: new FakeClock(WED_11), log: createLogger('silent') });
  mountHttp(app.httpDeps());
  await attachPlatforms(app, env);
  await app.start({ loop: false });
  return app;
}

it('connects when DISCORD_TOKEN is set and reports the connection in /healthz', async () => {
  fake = await FakeDiscord.start({ guild: { id: '500000000000000001' }, channels: [{ id: '500000000000000003', name: 'announcements' }] });
  const a = await boot(fake.token);
  expect([...a.adapters.keys()]).toContain('discord');
  const health = async () => (await (await fetch(`http://127.0.0.1:${a.port}/healthz`)).json()) as { adapters: Record<string, string> };
  expect((await health()).adapters.discord).toBe('connected');

  // A permanent delivery failure shows up there too, with what Discord said.
  fake.rest.failNext('POST', /^\/channels\/500000000000000003\/messages$/, apiError(403, 50013, 'Missing Permissions'));
  await a.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, '/incident declare sev4 Typo on the docs home page');
  await a.tick();
  expect((await health()).adapters.discord).toMatch(/^connected; warning: last delivery error .*50013 Missing Permissions/);
});

it('stops start-up with one line naming DISCORD_TOKEN when Discord rejects it', async () => {
  fake = await FakeDiscord.start({ guild: { id: '500000000000000001' }, channels: [] });
  await expect(boot('not-the-token')).rejects.toThrow(/^DISCORD_TOKEN: Discord rejected the bot token/);
  expect(app?.connections.get('discord')?.state()).toBe('failed (DISCORD_TOKEN refused)');
  await app?.http.close();
  closeDb(app!.opts.db);
  app = undefined;
});

it('stops start-up naming the Message Content intent when the portal has it switched off', async () => {
  fake = await FakeDiscord.start({ guild: { id: '500000000000000001' }, channels: [], disallowedIntents: 1 << 15 });
  await expect(boot(fake.token)).rejects.toThrow(/Message Content/);
  await app?.http.close();
  closeDb(app!.opts.db);
  app = undefined;
});

it('keeps starting (other platforms, HTTP) when Discord cannot be reached, and says it is retrying', async () => {
  fake = await FakeDiscord.start({ guild: { id: '500000000000000001' }, channels: [] });
  const token = fake.token;
  await fake.close();
  const a = await boot(token);
  expect(a.connections.get('discord')?.state()).toMatch(/^down \(retrying in 2s: /);
});
