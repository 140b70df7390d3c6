// Slack and Discord failing in front of a running Klaxon, through the fault proxy (500s, 429s
// with Retry-After, slow answers): every page delivered once, escalation on time by the injected
// clock, and /healthz answering meanwhile. Counts are printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { mountHttp } from '../../src/http/routes.js';
import { outbox, pageNotifications } from '../../src/store/schema.js';
import { answerText } from '../fakes/discord/index.js';
import { discordKlaxon, type DiscordKlaxon, WED_11 } from '../fakes/discord/harness.js';
import { slackKlaxon, type SlackKlaxon, waitFor } from '../fakes/slack/harness.js';
import { FaultProxy } from './helpers/fault-proxy.js';
import { holdWriteLock, type HeldLock } from './helpers/lock.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.parse('2026-03-04T10:00:00Z');

let k: SlackKlaxon | DiscordKlaxon | undefined;
let proxy: FaultProxy | undefined;
let lock: HeldLock | undefined;
let dir: string | undefined;
afterEach(async () => {
  lock?.release();
  await k?.close();
  await proxy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  k = proxy = lock = dir = undefined;
});

const via = async (url: string) => (proxy = await FaultProxy.start(url)).url;

type Db = SlackKlaxon['db'];
/** Who was paged, and how late after the due time of their tier (tier n is due n × 15 minutes after the declaration at t0). */
const notified = (db: Db, t0 = T0) =>
  db.select().from(pageNotifications).orderBy(asc(pageNotifications.id)).all().map((n) => ({ person: n.person, lateMs: n.notifiedAt.getTime() - t0 - n.tier * 15 * MINUTE }));
/** Rows the outbox has not finished with: lost if anything is left once the platform is healthy. */
const unfinished = (db: Db) => db.select().from(outbox).all().filter((r) => r.status !== 'sent' && r.status !== 'skipped');
/** Slack posts the platform accepted, by Klaxon's outbox key (message metadata): a key twice is a duplicate. */
function slackPosts(s: SlackKlaxon) {
  const keys = s.fake.ok('chat.postMessage').map((c) => JSON.stringify((c.args.metadata as { event_payload?: unknown })?.event_payload));
  return { total: keys.length, duplicated: keys.length - new Set(keys).size };
}
const pageDms = (s: SlackKlaxon) => ['D01CAROL', 'D01ALICE', 'D01ERIN'].map((d) => s.fake.botMessages(d).filter((m) => /you are paged/.test(m.text)).length);

async function declareOnSlack(s: SlackKlaxon, title: string) {
  const r = await s.slash(`declare sev1 ${title}`, { user: 'U01BOB' });
  expect((await s.answer(r.responseUrl)).text).toMatch(/Declared #/);
}

/** Runs Klaxon's steps every 5 s of injected time up to `until` ms after t0. */
async function runUntil(s: { clock: SlackKlaxon['clock']; tick: () => Promise<void> }, until: number, at?: Record<number, () => void>, t0 = T0) {
  while (s.clock.now().getTime() - t0 < until) {
    s.clock.advance(5 * SECOND);
    at?.[s.clock.now().getTime() - t0]?.();
    await s.tick();
  }
}

describe('platform faults through the fault proxy', () => {
  it('Slack answering 500s and 429s during a sev1: every tier on time, every page DM once', async () => {
    const s = (k = await slackKlaxon({ via }));
    const postMessage = /^POST \/api\/chat\.postMessage/;
    proxy!.inject({ route: postMessage, status: 500, count: 3 });
    // Slack posted these, but the answer was a 500: sent again only after a lookup finds nothing.
    proxy!.inject({ route: postMessage, status: 500, afterAccepted: true, count: 2 });
    proxy!.inject({ route: postMessage, status: 429, retryAfter: 2, count: 2 });
    await declareOnSlack(s, 'Checkout down');
    // A burst of 500s as tier 2 falls due, and a 429 as tier 3 does.
    await runUntil(s, 35 * MINUTE, {
      [15 * MINUTE - 10 * SECOND]: () => proxy!.inject({ route: postMessage, status: 500, count: 4 }),
      [30 * MINUTE]: () => proxy!.inject({ route: postMessage, status: 429, retryAfter: 30, count: 1 }),
    });
    await runUntil(s, 40 * MINUTE);
    const pages = notified(s.db);
    const posts = slackPosts(s);
    const injected = proxy!.counts();
    console.log(
      `[faults] Slack 500×${injected['500']} and 429×${injected['429']} during a sev1: tiers paged ${pages.map((p) => p.person).join(', ')}, late by ${pages.map((p) => p.lateMs / 1000).join(' s, ')} s; page DMs delivered ${pageDms(s).join('/')}; ${unfinished(s.db).length} lost, ${posts.duplicated} sent twice of ${posts.total} posts`,
    );
    expect(injected).toMatchObject({ '500': 9, '429': 3 });
    expect(pages).toEqual([
      { person: 'carol', lateMs: 0 },
      { person: 'alice', lateMs: 0 },
      { person: 'erin', lateMs: 0 },
    ]);
    expect(pageDms(s)).toEqual([1, 1, 1]);
    expect(unfinished(s.db)).toEqual([]);
    expect(posts.duplicated).toBe(0);
  });

  it('Discord REST answering 500s and 429s on page DMs: each page DM arrives once', async () => {
    const d = (k = await discordKlaxon({ via }));
    const people = Object.values(d.policy.people).map((p) => p.discord!).filter(Boolean);
    // Only posts into a DM channel (opened on the first page) fail: the thread and announcement go.
    const dmPost = (route: string) => /^POST /.test(route) && people.some((u) => d.fake.dmChannelOf(u) && route.includes(`/channels/${d.fake.dmChannelOf(u)}/messages`));
    proxy!.inject({ route: { test: dmPost }, status: 500, count: 2 });
    // Discord stored this one, but the answer was a 500: the resend carries the same nonce.
    proxy!.inject({ route: { test: dmPost }, status: 500, afterAccepted: true, count: 1 });
    proxy!.inject({ route: { test: dmPost }, status: 429, retryAfter: 1, count: 2 });
    const maya = d.policy.people.maya.discord!;
    const i = d.fake.command(maya, '500000000000000002', 'declare', [{ name: 'title', type: 3, value: 'Uploads fail' }, { name: 'severity', type: 3, value: 'sev1' }]);
    await d.fake.waitFor(() => answerText(i), 3000, 'the declaration');
    // Tier 2 falls due during a second burst of 500s.
    await runUntil(d, 15 * MINUTE, { [15 * MINUTE - 5 * SECOND]: () => proxy!.inject({ route: { test: dmPost }, status: 500, count: 2 }) }, Date.parse(WED_11));
    // discord.js keeps a 429'd route closed for Retry-After in real seconds: poll on the fake clock until all is out.
    await waitFor(
      async () => {
        d.clock.advance(5 * SECOND);
        await d.tick();
        return unfinished(d.db).length === 0;
      },
      'every page DM delivered',
      15_000,
    );
    const pages = notified(d.db, Date.parse(WED_11));
    const dms = pages.map((p) => {
      const channel = d.fake.dmChannelOf(d.policy.people[p.person].discord!);
      return channel ? d.fake.botMessages(channel).filter((m) => /paged/i.test(m.content)).length : 0;
    });
    const injected = proxy!.counts();
    console.log(`[faults] Discord REST 500×${injected['500']} and 429×${injected['429']} on page DMs: ${pages.length} pages (${pages.map((p) => p.person).join(', ')}), DMs delivered ${dms.join('/')}, ${unfinished(d.db).length} lost, late by ${pages.map((p) => p.lateMs / 1000).join(' s, ')} s`);
    expect(injected).toMatchObject({ '500': 5, '429': 2 });
    expect(pages.map((p) => p.lateMs)).toEqual([0, 0]);
    expect(dms).toEqual([1, 1]);
  });

  it('Slack answering in 2 s: tiers fire on time while pages are in flight, none lost or sent twice, /healthz answers', async () => {
    const s = (k = await slackKlaxon({ via }));
    mountHttp(s.app.httpDeps());
    proxy!.inject({ route: /^POST \/api\/chat\.postMessage/, delayMs: 2000, count: 3 });
    await declareOnSlack(s, 'Search down');
    // Scheduler steps alone (delivery runs on its own loop, not awaited here).
    const inFlightAt: number[] = [];
    const healthMs: number[] = [];
    for (const due of [15 * MINUTE, 30 * MINUTE]) {
      await waitFor(() => proxy!.holding > 0, 'a slow answer in flight');
      s.clock.set(new Date(T0 + due));
      s.app.step();
      inFlightAt.push(proxy!.holding);
      const started = performance.now();
      const health = await fetch(`http://127.0.0.1:${s.app.port}/healthz`);
      healthMs.push(Math.round(performance.now() - started));
      expect(health.status).toBe(200);
    }
    const pages = notified(s.db);
    await waitFor(
      async () => {
        await s.tick();
        return unfinished(s.db).length === 0;
      },
      'every post delivered',
      20_000,
    );
    const posts = slackPosts(s);
    console.log(
      `[faults] Slack answering in 2 s: tiers fired with ${inFlightAt.join(' and ')} slow answer(s) in flight, late by ${pages.map((p) => p.lateMs / 1000).join(' s, ')} s; /healthz answered in ${healthMs.join(' and ')} ms; page DMs ${pageDms(s).join('/')}, ${unfinished(s.db).length} lost, ${posts.duplicated} sent twice; ${proxy!.counts().slow} slow answers`,
    );
    expect(inFlightAt.every((n) => n > 0)).toBe(true);
    expect(pages).toEqual([
      { person: 'carol', lateMs: 0 },
      { person: 'alice', lateMs: 0 },
      { person: 'erin', lateMs: 0 },
    ]);
    expect(pageDms(s)).toEqual([1, 1, 1]);
    expect(posts.duplicated).toBe(0);
  });

  it('/healthz answers while another process holds the database write lock; /readyz says the database is not writable', async () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-health-'));
    const path = join(dir, 'k.db');
    const s = (k = await slackKlaxon({ dbPath: path }));
    mountHttp(s.app.httpDeps());
    lock = holdWriteLock(path);
    const started = performance.now();
    const health = await fetch(`http://127.0.0.1:${s.app.port}/healthz`);
    const healthMs = Math.round(performance.now() - started);
    const ready = await fetch(`http://127.0.0.1:${s.app.port}/readyz`);
    const body = (await ready.json()) as { reasons: string[]; db: { writable: boolean } };
    console.log(`[faults] DB write-locked by another process: /healthz ${health.status} in ${healthMs} ms, /readyz ${ready.status} (${body.reasons.join('; ')})`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('degraded');
    expect(ready.status).toBe(503);
    expect(body.db.writable).toBe(false);
    lock.release();
    expect((await fetch(`http://127.0.0.1:${s.app.port}/readyz`)).status).toBe(200);
  });
});
