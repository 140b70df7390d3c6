// Slack and Discord in one Klaxon process, each against its own fake, wired the way `klaxon
// start` wires them (attachPlatforms): an incident declared in Slack pages a person whose policy
// entry has only a Discord ID, on Discord, and their ✅ there acknowledges it for both platforms.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { attachPlatforms } from '../../src/chat/platforms.js';
import { loadEnv } from '../../src/config/env.js';
import { parsePolicy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { FakeClock } from '../../src/service/clock.js';
import { getIncident } from '../../src/service/incident-view.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { answerText, FakeDiscord } from '../fakes/discord/index.js';
import { BOT_TOKEN, SECRET } from '../fakes/slack/harness.js';
import { form, slashCommand } from '../fakes/slack/payloads.js';
import { postSigned } from '../fakes/slack/signing.js';
import { FakeSlack } from '../fakes/slack/web-api.js';

const DINA = '100000000000000009';
const POLICY = `
timezone: Europe/London
people:
  alice: { name: Alice Archer, slack: U01ALICE }
  dina: { name: Dina Diaz, discord: "${DINA}" }
escalation_policies:
  default: { tiers: [{ targets: [person:dina], ack_timeout: 15m }] }
severities:
  - { id: sev1, description: Outage, page: default }
channels:
  slack: { announcements: C01ANNOUNCE }
  discord: { guild: "200000000000000001", incidents: "200000000000000002" }
`;

let slack: FakeSlack;
let discord: FakeDiscord;
let app: KlaxonApp;

beforeEach(async () => {
  slack = await new FakeSlack({ bot: BOT_TOKEN }).start();
  slack.addUser('U01ALICE', 'Alice Archer', 'Alice');
  slack.addChannel('C01ANNOUNCE', 'announcements');
  slack.addChannel('C0GENERAL', 'general', ['UKLAXONBOT', 'U01ALICE']);
  discord = await FakeDiscord.start({
    guild: { id: '200000000000000001' },
    channels: [{ id: '200000000000000002', name: 'incidents' }],
    members: [{ id: DINA, username: 'dina' }],
  });
  const env = loadEnv({
    SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.appId, DISCORD_API_URL: discord.apiUrl, PORT: '0',
  });
  app = new KlaxonApp({ env, policy: parsePolicy(POLICY), db: openDb(':memory:'), clock: new FakeClock('2026-03-04T10:00:00Z'), log: createLogger('silent') });
  await attachPlatforms(app, env);
  await app.start({ loop: false });
});

afterEach(async () => {
  await app.stop();
  closeDb(app.opts.db);
  await slack.stop();
  await discord.close();
});

it('an incident declared in Slack pages a Discord-only person on Discord', async () => {
  expect([...app.adapters.keys()].sort()).toEqual(['discord', 'slack']);
  const body = form(slashCommand('declare sev1 Payments failing', { user: 'U01ALICE', responseUrl: slack.responseUrl('r1') }));
  const r = await postSigned(`http://127.0.0.1:${app.port}/slack/events`, body, { secret: SECRET });
  expect(r.status).toBe(200);
  await discord.waitFor(() => getIncident(app.opts.db, 1), 3000, 'the incident');
  await app.tick();

  // Discord: the incident thread, and the page by DM with the Acknowledge button.
  const [thread] = discord.threads();
  expect(thread.name).toBe('inc-1-payments-failing · sev1 · investigating');
  const dm = discord.dmChannelOf(DINA)!;
  const [page] = discord.botMessages(dm);
  expect(page.content).toContain(`<@${DINA}>`);
  expect(page.content).toContain('Payments failing');
  expect(page.components).toHaveLength(1);
  // Slack has the incident channel too, naming Dina (no Slack ID to mention) in its page copy.
  const slackChannel = slack.channelByName('inc-1-payments-failing')!;
  expect(slack.botMessages(slackChannel.id).some((m) => m.text.includes('Dina Diaz'))).toBe(true);

  // Dina acknowledges on Discord with the button; the incident is acknowledged everywhere.
  const click = discord.click(DINA, page, String((page.components[0] as { components: { custom_id: string }[] }).components[0].custom_id));
  await discord.waitFor(() => answerText(click), 3000, 'the button answer');
  expect(answerText(click)).toBe('Acknowledged the page for #1.');
  expect((await getIncident(app.opts.db, 1))?.acknowledgedAt).not.toBeNull();
  await app.tick();
  expect(discord.messages.get(page.id)?.components).toEqual([]);
  expect(slack.botMessages(slackChannel.id).some((m) => /acknowledged/i.test(m.text))).toBe(true);
});

it('a Discord token refused while running: Discord is failed, Slack hears it once and keeps paging', async () => {
  discord.rest.failNext('POST', /^\/users\/@me\/channels$/, { status: 401, body: { message: '401: Unauthorized', code: 0 } }, 5);
  discord.rest.failNext('POST', /^\/channels\/\d+\/threads$/, { status: 401, body: { message: '401: Unauthorized', code: 0 } }, 5);
  const body = form(slashCommand('declare sev1 Payments failing', { user: 'U01ALICE', responseUrl: slack.responseUrl('r1') }));
  await postSigned(`http://127.0.0.1:${app.port}/slack/events`, body, { secret: SECRET });
  await discord.waitFor(() => getIncident(app.opts.db, 1), 3000, 'the incident');
  await app.tick();
  expect(app.connections.get('discord')!.state()).toMatch(/^failed \(DISCORD_TOKEN refused by Discord \(401\)\)/);
  await app.tick();
  const notes = slack.botMessages('C01ANNOUNCE').filter((m) => /lost Discord/.test(m.text));
  expect(notes).toHaveLength(1);
  // Slack itself carried on: the incident channel and its messages are there.
  expect(slack.channelByName('inc-1-payments-failing')).toBeDefined();
});
