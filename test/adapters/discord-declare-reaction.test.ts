// 🚨 on a Discord message declares an incident titled from it and linking back: the same rule as on
// Slack (service/inbound.ts declareFromMessage). Once per message, however often Discord replays
// the reaction or others add theirs; never inside an incident thread or on Klaxon's own messages.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { getIncident } from '../../src/service/incident-view.js';
import { incidents } from '../../src/store/schema.js';
import { COMMUNITY, discordKlaxon, type DiscordKlaxon } from '../fakes/discord/harness.js';

const GUILD = '500000000000000001';
const INCIDENTS = '500000000000000002';
const ANNOUNCEMENTS = '500000000000000003';

let k: DiscordKlaxon;
beforeEach(async () => {
  k = await discordKlaxon();
});
afterEach(async () => {
  await k?.close();
});

/** What Klaxon told a person by DM (a reaction's refusal has no ephemeral answer on Discord). */
const dmsTo = (userId: string) => {
  const dm = k.fake.dmChannelOf(userId);
  return dm ? k.fake.botMessages(dm).map((m) => m.content) : [];
};

it('🚨 on a community message declares an incident titled from it, linking back; a replay or a second 🚨 declares nothing more', async () => {
  const msg = k.fake.say(INCIDENTS, COMMUNITY.dana, '\n  uploads   fail with 413 on every file  \nsince the 14:00 deploy');
  k.fake.react(INCIDENTS, msg.id, COMMUNITY.dana.id, '🚨');
  await k.fake.waitFor(() => getIncident(k.db, 1), 5000, 'the declaration');
  expect(getIncident(k.db, 1)).toMatchObject({
    title: 'uploads fail with 413 on every file',
    severity: k.policy.default_severity,
    declaredBy: `discord:${COMMUNITY.dana.id}`,
    sourceLink: `https://discord.com/channels/${GUILD}/${INCIDENTS}/${msg.id}`,
  });
  await k.processed('reaction', msg.id);
  // Declared like any other incident: its thread and its announcement.
  const [thread] = k.fake.threads();
  expect(thread.name).toMatch(/^inc-1-uploads-fail-with-413-on-every-file/);
  expect(k.fake.botMessages(ANNOUNCEMENTS).map((m) => m.content).join('\n')).toContain('uploads fail with 413 on every file');
  expect(dmsTo(COMMUNITY.dana.id)).toEqual([]);

  // Discord replays the reaction (a resumed session) and Eli adds his 🚨 to the same message.
  const rows = k.outbox().length;
  const reaction = k.fake.gateway.events.filter((e) => e.t === 'MESSAGE_REACTION_ADD').at(-1)!;
  k.fake.gateway.redeliver(reaction.s);
  k.fake.react(INCIDENTS, msg.id, COMMUNITY.eli.id, '🚨');
  await k.processed('reaction', msg.id, 3);
  expect(k.db.select().from(incidents).all()).toHaveLength(1);
  expect(k.outbox()).toHaveLength(rows);
  // The replay is silent; Eli is told where the incident already is.
  expect(dmsTo(COMMUNITY.dana.id)).toEqual([]);
  expect(dmsTo(COMMUNITY.eli.id)).toEqual([expect.stringContaining('already declared as #1')]);
});

it('🚨 declares nothing inside an incident thread or on Klaxon\'s own announcement', async () => {
  const msg = k.fake.say(INCIDENTS, COMMUNITY.dana, 'search is down');
  k.fake.react(INCIDENTS, msg.id, COMMUNITY.dana.id, '🚨');
  await k.processed('reaction', msg.id);
  const [thread] = k.fake.threads();
  const inThread = k.fake.say(thread.id, COMMUNITY.eli, 'the search index is corrupt too');
  k.fake.react(thread.id, inThread.id, COMMUNITY.eli.id, '🚨');
  const announcement = k.fake.botMessages(ANNOUNCEMENTS)[0];
  k.fake.react(ANNOUNCEMENTS, announcement.id, COMMUNITY.eli.id, '🚨');
  await k.processed('reaction', inThread.id);
  await k.processed('reaction', announcement.id);
  expect(k.db.select().from(incidents).all().map((i) => i.title)).toEqual(['search is down']);
  expect(dmsTo(COMMUNITY.eli.id)).toEqual([]);
});
