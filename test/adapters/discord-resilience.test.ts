// Discord failing in the ways it does: the gateway drops mid-run (discord.js resumes and Discord
// replays what was missed: nothing lost, nothing done twice), Klaxon restarts, REST answers
// Missing Access, closed DMs, 5xx and 429s. Outbox rows wait and retry on the fake clock.
import { and, eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postRaw } from '../../src/service/outbox-writer.js';
import { incidents, outbox, timelineEvents } from '../../src/store/schema.js';
import { apiError, answerText, rateLimited } from '../fakes/discord/index.js';
import { COMMUNITY, discordKlaxon, type DiscordKlaxon } from '../fakes/discord/harness.js';

const INCIDENTS = '500000000000000002';
const ANNOUNCEMENTS = '500000000000000003';
const SUPPORT = '500000000000000004';
const STR = 3;

let k: DiscordKlaxon;
let dir: string | undefined;
afterEach(async () => {
  await k?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const maya = () => k.policy.people.maya.discord!;
const say = (channel: string, text: string) => k.app.service.transact((ctx) => postRaw(ctx, 'discord', channel, { text }));
const row = (text: string) => k.outbox().find((r) => (r.body as { text: string }).text === text)!;

async function declare(title: string) {
  const i = k.fake.command(maya(), INCIDENTS, 'declare', [{ name: 'title', type: STR, value: title }, { name: 'severity', type: STR, value: 'sev1' }]);
  await k.fake.waitFor(() => answerText(i), 3000, 'the declaration');
  await k.tick();
  const [page] = k.pages();
  const copy = k.outbox().find((r) => r.pageId === page.id && r.destination.startsWith('dm:'))!;
  return { i, page, dmUser: copy.destination.slice(3), dm: copy.refChannel!, dmMessage: copy.refId! };
}

describe('gateway', () => {
  it('survives the connection dropping mid-run: events sent meanwhile arrive once, replays change nothing', async () => {
    k = await discordKlaxon();
    const { i, dmUser, dm, dmMessage } = await declare('Tag manager not loading');

    k.fake.gateway.drop(4000);
    expect(k.fake.gateway.connected).toBe(false);
    // While the bot is away: a support question and the on-call's ✅ on the page DM happen...
    const question = k.fake.say(SUPPORT, COMMUNITY.dana, 'Is the CDN down?');
    k.fake.react(dm, dmMessage, dmUser, '✅');
    // ...and Klaxon keeps delivering through REST, which does not need the gateway.
    k.app.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, '/incident update #1 identified CDN config rolled back');
    await k.tick();
    expect(k.fake.botMessages().some((m) => m.content.includes('CDN config rolled back'))).toBe(true);

    await k.fake.waitFor(() => k.pages()[0].status === 'acknowledged', 5000, 'the replayed reaction');
    await k.fake.waitFor(() => k.fake.botMessages(SUPPORT).length === 1 || (k.tick(), false), 5000, 'the replayed question');
    expect(k.fake.gateway.count(2)).toBe(1); // one IDENTIFY: the session was resumed, not restarted
    expect(k.fake.gateway.count(6)).toBe(1);
    expect(k.health()).toBe('connected');

    // Discord delivering the same events again (at-least-once) is harmless.
    for (const e of [...k.fake.gateway.events].filter((x) => ['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'INTERACTION_CREATE'].includes(x.t))) k.fake.gateway.redeliver(e.s);
    await k.quiet();
    expect(k.db.select().from(incidents).all()).toHaveLength(1);
    expect(i.responses).toHaveLength(1);
    expect(k.fake.botMessages(SUPPORT)).toHaveLength(1);
    expect(k.fake.botMessages(SUPPORT)[0].message_reference?.message_id).toBe(question.id);
    expect(k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'ack')).all()).toHaveLength(1);
    expect(k.logLines.filter((l) => /"level":50/.test(l))).toEqual([]);
  });

  it('resumes when Discord asks for a reconnect (op 7), handling what arrives meanwhile once', async () => {
    k = await discordKlaxon();
    k.fake.gateway.requestReconnect();
    const asked = k.fake.say(SUPPORT, COMMUNITY.eli, 'Is the status page right?');
    await k.fake.waitFor(() => k.fake.gateway.count(6) === 1, 5000, 'the resume');
    await k.fake.waitFor(() => k.fake.botMessages(SUPPORT).length === 1 || (k.tick(), false), 5000, 'the reply');
    expect(k.fake.botMessages(SUPPORT)[0].message_reference?.message_id).toBe(asked.id);
    expect(k.fake.gateway.count(2)).toBe(1);
  });

  it('a restart on the same database neither answers a replayed message again nor forgets the cooldown', async () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-discord-'));
    const dbPath = join(dir, 'klaxon.db');
    k = await discordKlaxon({ dbPath });
    const fake = k.fake;
    const first = fake.say(SUPPORT, COMMUNITY.dana, 'Where are the docs for v3?');
    await fake.waitFor(() => fake.botMessages(SUPPORT).length === 1 || (k.tick(), false), 3000, 'the reply');
    await k.stopApp();

    k = await discordKlaxon({ dbPath, fake });
    fake.resend(first);
    const thanks = fake.say(SUPPORT, COMMUNITY.dana, 'Found them, thanks');
    const third = fake.say(SUPPORT, COMMUNITY.eli, 'Hi!');
    await fake.waitFor(() => fake.botMessages(SUPPORT).length === 2 || (k.tick(), false), 3000, "Eli's reply");
    await k.processed('message', first.id);
    await k.processed('message', thanks.id);
    expect(fake.botMessages(SUPPORT).map((m) => m.message_reference?.message_id)).toEqual([first.id, third.id]);
    expect(fake.gateway.count(2)).toBe(2);
    await k.close();
    await fake.close();
    k = undefined as unknown as DiscordKlaxon;
  });
});

describe('REST failures', () => {
  it('records permanent errors (Missing Access, closed DMs) and shows them in the health state', async () => {
    k = await discordKlaxon();
    k.fake.rest.failNext('POST', new RegExp(`^/channels/${ANNOUNCEMENTS}/messages$`), apiError(403, 50001, 'Missing Access'));
    say(ANNOUNCEMENTS, 'first announcement');
    await k.tick();
    expect(row('first announcement')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row('first announcement').lastError).toMatch(/403 50001 Missing Access/);
    expect(k.health()).toMatch(/^connected; warning: last delivery error .*Missing Access/);
    // The next message to the same channel is not held back by the failed one.
    say(ANNOUNCEMENTS, 'second announcement');
    await k.tick();
    expect(row('second announcement').status).toBe('sent');

    // Someone with closed DMs: their DM page fails for good, the mention in the thread still pages them.
    for (const p of Object.values(k.policy.people)) k.fake.closedDms.add(p.discord!);
    await declare('Consent not saved');
    const dms = k.outbox().filter((r) => r.pageId && r.destination.startsWith('dm:'));
    expect(dms.every((r) => r.status === 'failed' && /50007/.test(r.lastError ?? ''))).toBe(true);
    expect(k.outbox().filter((r) => r.pageId && r.destination === 'incident').every((r) => r.status === 'sent')).toBe(true);
  });

  it('Unknown Channel is permanent; a 5xx is retried by the outbox, not inside discord.js', async () => {
    k = await discordKlaxon();
    say('599999999999999999', 'to a deleted channel');
    k.fake.rest.failNext('POST', new RegExp(`^/channels/${ANNOUNCEMENTS}/messages$`), { status: 502, body: { message: 'Bad Gateway' } });
    say(ANNOUNCEMENTS, 'through a blip');
    await k.tick();
    expect(row('to a deleted channel')).toMatchObject({ status: 'failed' });
    expect(row('to a deleted channel').lastError).toMatch(/10003 Unknown Channel/);
    expect(row('through a blip')).toMatchObject({ status: 'pending', attempts: 1 });
    k.clock.advance(1_500);
    await k.tick();
    expect(row('through a blip').status).toBe('sent');
    expect(k.fake.botMessages(ANNOUNCEMENTS).map((m) => m.content)).toEqual(['through a blip']);
  });

  it('hands every 429 back to the outbox at once: the limited message waits, other routes go on', async () => {
    k = await discordKlaxon();
    const path = new RegExp(`^/channels/${ANNOUNCEMENTS}/messages$`);
    k.fake.rest.failNext('POST', path, rateLimited(0.2));
    say(ANNOUNCEMENTS, 'after a short limit');
    say(SUPPORT, 'another route meanwhile');
    await k.tick();
    expect(row('after a short limit')).toMatchObject({ status: 'pending' });
    expect(row('after a short limit').lastError).toMatch(/rate limited/);
    expect(row('another route meanwhile').status).toBe('sent');
    expect(k.fake.requests.filter((r) => r.method === 'POST' && path.test(r.path))).toHaveLength(1);
    k.clock.advance(1_000);
    await k.tick();
    expect(row('after a short limit').status).toBe('sent');

    k.fake.rest.failNext('POST', path, rateLimited(60));
    say(ANNOUNCEMENTS, 'after a long limit');
    const started = Date.now();
    await k.tick();
    expect(Date.now() - started).toBeLessThan(1500);
    const waiting = row('after a long limit');
    expect(waiting.status).toBe('pending');
    expect(waiting.lastError).toMatch(/rate limited for 60s/);
    expect(waiting.nextAttemptAt.getTime() - k.clock.now().getTime()).toBeGreaterThanOrEqual(60_000);
    // The dispatcher holds Discord until Retry-After has passed on the clock, then delivers.
    say(ANNOUNCEMENTS, 'queued behind it');
    await k.tick();
    expect(row('queued behind it').status).toBe('pending');
    k.clock.advance(61_000);
    await k.tick();
    expect(row('after a long limit').status).toBe('sent');
    expect(row('queued behind it').status).toBe('sent');
    expect(k.fake.botMessages(ANNOUNCEMENTS).map((m) => m.content)).toEqual(['after a short limit', 'after a long limit', 'queued behind it']);
  });

  it('a thread rename Discord defers (2 per 10 minutes) does not hold up the incident’s messages', async () => {
    k = await discordKlaxon();
    await declare('Script injected twice');
    const [thread] = k.fake.threads();
    k.fake.rest.failNext('PATCH', new RegExp(`^/channels/${thread.id}$`), rateLimited(600));
    k.app.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, '/incident update #1 monitoring Fix deployed');
    await k.tick();
    expect(k.outbox().filter((r) => r.status === 'pending')).toEqual([]);
    expect(k.fake.botMessages(thread.id).some((m) => m.content.includes('Fix deployed'))).toBe(true);
    expect(k.fake.channels.get(thread.id)?.name).toContain('investigating');
    expect(k.db.select().from(outbox).where(and(eq(outbox.kind, 'topic'), eq(outbox.status, 'sent'))).all().length).toBeGreaterThan(0);
  });
});
