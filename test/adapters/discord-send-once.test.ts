// Discord sends once: Discord REST failing the way it does in production — a 500 after it stored
// the message, an answer slower than the timeout, a hang, short 429s that keep coming back, a
// thread whose create answer was lost — never yields a second copy, never stalls other routes, and
// any copy of a page still acknowledges it.
import { afterEach, describe, expect, it } from 'vitest';
import { postRaw } from '../../src/service/outbox-writer.js';
import { getIncident } from '../../src/service/incident-view.js';
import { answerText, rateLimited } from '../fakes/discord/index.js';
import { discordKlaxon, type DiscordKlaxon } from '../fakes/discord/harness.js';

const INCIDENTS = '500000000000000002';
const ANNOUNCEMENTS = '500000000000000003';
const SUPPORT = '500000000000000004';
const STR = 3;
const POSTS = new RegExp(`^/channels/${ANNOUNCEMENTS}/messages$`);

let k: DiscordKlaxon;
afterEach(async () => {
  await k?.close();
});

const maya = () => k.policy.people.maya.discord!;
const say = (channel: string, text: string) => k.app.service.transact((ctx) => postRaw(ctx, 'discord', channel, { text }));
const row = async (text: string) => (await k.outbox()).find((r) => (r.body as { text: string }).text === text)!;
const posts = () => k.fake.requests.filter((r) => r.method === 'POST' && POSTS.test(r.path));

async function declare(title: string) {
  const i = k.fake.command(maya(), INCIDENTS, 'declare', [{ name: 'title', type: STR, value: title }, { name: 'severity', type: STR, value: 'sev1' }]);
  await k.fake.waitFor(() => answerText(i), 3000, 'the declaration');
  await k.tick();
}

describe('message creates', () => {
  it('a 500 after Discord stored the message: the outbox retries with the same nonce and there is one copy', async () => {
    k = await discordKlaxon();
    k.fake.rest.afterNext('POST', POSTS, { answer: { status: 500, body: { message: 'Internal Server Error', code: 0 } } });
    await say(ANNOUNCEMENTS, 'stored, answer lost');
    await k.tick();
    expect((await row('stored, answer lost')).status).toBe('pending');
    k.clock.advance(1_500);
    await k.tick();
    expect((await row('stored, answer lost')).status).toBe('sent');
    expect(k.fake.botMessages(ANNOUNCEMENTS).map((m) => m.content)).toEqual(['stored, answer lost']);
    const tries = posts();
    expect(tries).toHaveLength(2);
    expect(tries.every((t) => t.body.enforce_nonce === true && typeof t.body.nonce === 'string' && t.body.nonce.length <= 25)).toBe(true);
    expect(tries[1].body.nonce).toBe(tries[0].body.nonce);
    // The stored copy is the one recorded, so edits and reactions find it.
    expect((await row('stored, answer lost')).refId).toBe(k.fake.botMessages(ANNOUNCEMENTS)[0].id);
  });

  it('an answer slower than the REST timeout: one copy (the short timeout stands in for 11 s)', async () => {
    k = await discordKlaxon({ discord: { requestTimeoutMs: 200 } });
    k.fake.rest.afterNext('POST', POSTS, { delayMs: 600 });
    await say(ANNOUNCEMENTS, 'slow answer');
    await k.tick();
    expect((await row('slow answer')).status).toBe('pending');
    k.clock.advance(1_500);
    await k.tick();
    expect((await row('slow answer')).status).toBe('sent');
    expect(k.fake.botMessages(ANNOUNCEMENTS).map((m) => m.content)).toEqual(['slow answer']);
    expect(posts()).toHaveLength(2);
  });

  it('a hang on one route times out and the rest of the pass is delivered', async () => {
    k = await discordKlaxon({ discord: { requestTimeoutMs: 200 } });
    k.fake.rest.afterNext('POST', POSTS, { hang: true });
    await say(ANNOUNCEMENTS, 'into a hang');
    await say(SUPPORT, 'elsewhere');
    await k.tick();
    expect(await row('into a hang')).toMatchObject({ status: 'pending' });
    expect((await row('elsewhere')).status).toBe('sent');
    k.clock.advance(1_500);
    await k.tick();
    expect((await row('into a hang')).status).toBe('sent');
    // The hung request had been carried out: still one copy.
    expect(k.fake.botMessages(ANNOUNCEMENTS).map((m) => m.content)).toEqual(['into a hang']);
  });

  it('short 429s that keep coming back on one route never hold up a page', async () => {
    k = await discordKlaxon();
    k.fake.rest.failNext('POST', POSTS, rateLimited(0.05), 5);
    await say(ANNOUNCEMENTS, 'limited route');
    await declare('Donations page down');
    // The page went out in the same pass the limited route was refused in.
    const page = (await k.outbox()).find((r) => r.pageId && r.destination.startsWith('dm:'))!;
    expect(page.status).toBe('sent');
    let ticks = 0;
    while ((await row('limited route')).status !== 'sent' && ticks++ < 10) {
      k.clock.advance(1_000);
      await k.tick();
    }
    expect((await row('limited route')).status).toBe('sent');
    expect(k.fake.botMessages(ANNOUNCEMENTS).filter((m) => m.content === 'limited route')).toHaveLength(1);
  });
});

describe('incident threads', () => {
  it('a thread whose create answer was lost is found by name and reused: one thread per incident', async () => {
    k = await discordKlaxon();
    k.fake.rest.afterNext('POST', new RegExp(`^/channels/${INCIDENTS}/threads$`), { answer: { status: 500, body: { message: 'Internal Server Error', code: 0 } } });
    await declare('Login loop');
    k.clock.advance(1_500);
    await k.tick();
    const threads = k.fake.threads();
    expect(threads).toHaveLength(1);
    expect(threads[0].name).toMatch(/^inc-1-login-loop/);
    expect(k.fake.botMessages(threads[0].id).length).toBeGreaterThan(0);
  });
});

describe('copies of a page', () => {
  it('a ✅ on a copy Klaxon has no record of acknowledges the page its button names, and both copies lose their button', async () => {
    k = await discordKlaxon();
    await declare('Search returns nothing');
    const copy = (await k.outbox()).find((r) => r.pageId && r.destination.startsWith('dm:') && r.status === 'sent')!;
    const original = k.fake.messages.get(copy.refId!)!;
    // A second copy of the same page, as a double send without nonces left behind.
    const res = await fetch(`${k.fake.apiUrl}/v10/channels/${copy.refChannel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${k.fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: original.content, components: original.components }),
    });
    const dup = (await res.json()) as { id: string };
    k.fake.react(copy.refChannel!, dup.id, copy.destination.slice(3), '✅');
    await k.fake.waitFor(async () => (await getIncident(k.db, 1))?.acknowledgedAt, 3000, 'the acknowledgement');
    expect((await k.pages())[0].status).toBe('acknowledged');
    await k.tick();
    expect(k.fake.messages.get(copy.refId!)!.components).toEqual([]);
    expect(k.fake.messages.get(dup.id)!.components).toEqual([]);
  });
});
