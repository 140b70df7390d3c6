// Support channels on Discord (SPEC §5, runbooks 000 and 004), end to end through discord.js:
// the auto-reply answers the person's message as a reply, once per cooldown, in- or out-of-hours;
// bots (and Klaxon's own echoed replies) get nothing; a security report becomes a Sev 1.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { getIncident } from '../../src/service/incident-view.js';
import { processedEvents } from '../../src/store/schema.js';
import { COMMUNITY, discordKlaxon, type DiscordKlaxon } from '../fakes/discord/harness.js';
import type { FakeMessage } from '../fakes/discord/payloads.js';

const GUILD = '500000000000000001';
const SUPPORT = '500000000000000004';

let k: DiscordKlaxon;
beforeEach(async () => {
  k = await discordKlaxon();
});
afterEach(async () => {
  await k.close();
});

/** Klaxon has seen (and decided about) a support message once its delivery is recorded. */
async function handled(m: FakeMessage): Promise<void> {
  await k.fake.waitFor(async () => (await k.db.select().from(processedEvents)).some((e) => e.eventId === `support:${m.channel_id}:${m.id}`), 3000, `message ${m.id}`);
  await k.tick();
}

const replies = () => k.fake.botMessages(SUPPORT);

it('answers in hours, not again within the cooldown, out of hours at 22:00, never a bot', async () => {
  const first = k.fake.say(SUPPORT, COMMUNITY.dana, 'How do I enable consent mode v2?');
  await handled(first);
  expect(replies()).toHaveLength(1);
  const reply = replies()[0];
  expect(reply.message_reference).toEqual({ message_id: first.id, channel_id: SUPPORT });
  expect(reply.content).toContain('someone from the team is looking at it');
  expect(reply.content).toContain('Mon–Fri 09:00–17:00 UTC');
  expect(reply.content).toContain('https://github.com/react-gtm-kit/react-gtm-kit/issues/new/choose');
  expect(reply.content).not.toMatch(/within \d|will be (fixed|resolved)/i);

  // Klaxon's own reply came back over the gateway (as Discord echoes it) and was ignored; a
  // bot's message gets nothing; Dana, within the cooldown, gets nothing either. Gateway events
  // are handled in order, so once Dana's is recorded the bot's has been decided too.
  k.clock.advance(60_000);
  k.fake.say(SUPPORT, COMMUNITY.otherBot, 'Build #512 passed');
  await handled(k.fake.say(SUPPORT, COMMUNITY.dana, 'Any news?'));
  expect(replies()).toHaveLength(1);

  k.clock.set('2026-03-04T22:00:00Z');
  const late = k.fake.say(SUPPORT, COMMUNITY.eli, 'The demo site is blank for me');
  await handled(late);
  expect(replies()).toHaveLength(2);
  expect(replies()[1].content).toContain('outside support hours');
  expect(replies()[1].message_reference?.message_id).toBe(late.id);
});

it('raises "I found a vulnerability that leaks user emails" as a Sev 1 without quoting it', async () => {
  const text = 'I found a vulnerability that leaks user emails';
  const report = k.fake.say(SUPPORT, COMMUNITY.dana, text);
  await handled(report);
  const inc = (await getIncident(k.db, 1))!;
  expect(inc.severity).toBe('sev1');
  expect(inc.sourceLink).toBe(`https://discord.com/channels/${GUILD}/${SUPPORT}/${report.id}`);
  await k.tick();
  expect(replies()).toHaveLength(1);
  expect(replies()[0].content).toMatch(/escalated to the team as incident #1/);
  // The incident thread and the announcement exist, and nothing Klaxon posted anywhere quotes the report.
  expect(k.fake.threads()).toHaveLength(1);
  const posted = k.fake.botMessages().map((m) => `${m.content} ${JSON.stringify(m.embeds)}`);
  expect(posted.length).toBeGreaterThan(3);
  for (const p of posted) expect(p).not.toContain('leaks user emails');
  expect(k.fake.threads()[0].name).not.toMatch(/vulnerab|leak|email/);
  // Sev 1 pages the rota.
  expect(await k.pages()).toHaveLength(1);
});

it('stays silent with automation off or safe mode on', async () => {
  await k.app.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, '/incident automation off');
  await handled(k.fake.say(SUPPORT, COMMUNITY.dana, 'hello?'));
  await k.app.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, '/incident automation on');
  await k.app.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, '/incident safe-mode on');
  await handled(k.fake.say(SUPPORT, COMMUNITY.eli, 'anyone there?'));
  expect(replies()).toHaveLength(0);
});

it('answers in a thread (or forum post) opened inside a support channel, sharing the channel’s cooldown', async () => {
  const thread = k.fake.userThread(SUPPORT, 'Consent mode question');
  const asked = k.fake.say(thread.id, COMMUNITY.dana, 'Does v3 support consent mode v2?');
  await handled(asked);
  expect(k.fake.botMessages(thread.id)).toHaveLength(1);
  expect(k.fake.botMessages(thread.id)[0].message_reference?.message_id).toBe(asked.id);
  await handled(k.fake.say(SUPPORT, COMMUNITY.dana, 'Also, in the main channel'));
  expect(replies()).toHaveLength(0);
});
