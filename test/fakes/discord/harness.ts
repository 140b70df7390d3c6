// A Klaxon with Discord attached, talking to the fake Discord through the real discord.js client:
// the policy's guild and channels, its people as members, a few community members, a database
// (in memory unless a file is given), a fake clock for timers, and a log kept for assertions.
import { Writable } from 'node:stream';
import { asc } from 'drizzle-orm';
import { KlaxonApp } from '../../../src/app.js';
import { attachDiscord, type DiscordOptions } from '../../../src/chat/discord/index.js';
import { loadEnv } from '../../../src/config/env.js';
import { loadPolicy, type Policy } from '../../../src/config/policy/index.js';
import { createLogger } from '../../../src/log.js';
import { FakeClock } from '../../../src/service/clock.js';
import { closeDb, openDb } from '../../../src/store/db.js';
import { outbox, pages } from '../../../src/store/schema.js';
import { FakeDiscord } from './index.js';
import type { FakeUser } from './payloads.js';

export const SUPPORT_POLICY = 'examples/policies/000-support-runbook.yaml';
/** Wednesday 4 March 2026, 11:00 UTC: inside policy 000's business hours. */
export const WED_11 = '2026-03-04T11:00:00Z';
export const MAINTAINER_ROLE = '600000000000000001';
export const COMMUNITY: Record<string, FakeUser> = {
  dana: { id: '900000000000000001', username: 'dana' },
  eli: { id: '900000000000000002', username: 'eli' },
  otherBot: { id: '900000000000000099', username: 'helper-bot', bot: true },
};

export type DiscordKlaxonOptions = {
  policy?: Policy;
  start?: string;
  dbPath?: string;
  discord?: DiscordOptions;
  fake?: FakeDiscord;
  /** Puts something between Klaxon and the fake REST API (the fault proxy): given the fake's URL, the URL Klaxon uses. */
  via?: (apiUrl: string) => Promise<string>;
};

export async function discordKlaxon(o: DiscordKlaxonOptions = {}) {
  const policy = o.policy ?? loadPolicy(SUPPORT_POLICY);
  const d = policy.channels.discord ?? {};
  const people = Object.values(policy.people).filter((p) => p.discord).map((p) => ({ id: p.discord!, username: p.name.split(' ')[0].toLowerCase(), roles: [MAINTAINER_ROLE] }));
  const supportChannels = policy.support?.discord?.channels ?? [];
  const fake =
    o.fake ??
    (await FakeDiscord.start({
      guild: { id: d.guild ?? '500000000000000001', name: 'Fake community' },
      channels: [
        ...Object.entries(d).filter(([k]) => k !== 'guild').map(([name, id]) => ({ id: id as string, name })),
        ...supportChannels.map((id, i) => ({ id, name: `support-${i}` })),
      ],
      roles: [{ id: MAINTAINER_ROLE, name: 'maintainers' }],
      members: [...people, ...Object.values(COMMUNITY)],
    }));

  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const env = loadEnv({ DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.appId, DISCORD_API_URL: o.via ? await o.via(fake.apiUrl) : fake.apiUrl, PORT: '0', KLAXON_DB: ':memory:' });
  const db = openDb(o.dbPath ?? ':memory:');
  const clock = new FakeClock(o.start ?? WED_11);
  const app = new KlaxonApp({ env, policy, db, clock, log: createLogger('debug', sink) });
  await attachDiscord(app, env, { requestTimeoutMs: 3000, proxy: {}, identifySpacing: false, ...o.discord });
  await app.start({ http: false, loop: false });

  let markers = 0;
  const markerChannel = Object.entries(d).find(([k]) => k !== 'guild')![1] as string;
  const h = {
    fake,
    app,
    db,
    clock,
    policy,
    logLines,
    /** Runs due timers on the fake clock, then delivers the outbox. */
    tick: () => app.tick(),
    /**
     * How many times Klaxon has finished handling a gateway event, acted on or ignored (its
     * "Discord event handled" debug line): `message` and `reaction` by message id, `interaction` by its id.
     */
    handled(what: 'message' | 'reaction' | 'interaction', id: string): number {
      return logLines.filter((l) => {
        if (!l.includes('Discord event handled')) return false;
        const j = JSON.parse(l) as { handled?: string; id?: string };
        return j.handled === what && j.id === id;
      }).length;
    },
    /**
     * Waits until Discord's events so far have all reached Klaxon and every handler it started has
     * finished, then delivers. Gateway events arrive in order, so once a later marker event (a
     * reaction that means nothing) is handled the earlier ones have arrived; discord.js itself
     * drops some (a MESSAGE_CREATE for a message it already has), which never start a handler.
     */
    async quiet() {
      const marker = `9${Date.now()}${++markers}`;
      fake.react(markerChannel, marker, COMMUNITY.dana.id, '🧪');
      await fake.waitFor(() => h.handled('reaction', marker) >= 1, 5000, 'the marker event');
      const count = (word: string) => logLines.filter((l) => l.includes(word)).length;
      await fake.waitFor(() => count('Discord event received') === count('Discord event handled'), 5000, 'handlers in progress to finish');
      await app.tick();
    },
    /** Waits until that event has been handled `times` times in all, then delivers: the sign to wait for before checking it changed nothing. */
    async processed(what: 'message' | 'reaction' | 'interaction', id: string, times = 1) {
      await fake.waitFor(() => h.handled(what, id) >= times, 5000, `Klaxon to finish with ${what} ${id}`);
      await app.tick();
    },
    outbox: () => db.select().from(outbox).orderBy(asc(outbox.id)).all(),
    pages: () => db.select().from(pages).orderBy(asc(pages.id)).all(),
    /** Discord's state as /healthz shows it. */
    health: () => app.connections.get('discord')?.state(),
    /** Stops Klaxon, keeping the fake Discord (and the database file) for a restart. */
    async stopApp() {
      await app.stop();
      closeDb(db);
    },
    async close() {
      await h.stopApp();
      if (!o.fake) await fake.close();
    },
  };
  return h;
}

export type DiscordKlaxon = Awaited<ReturnType<typeof discordKlaxon>>;
