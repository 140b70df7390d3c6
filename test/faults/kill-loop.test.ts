// kill -9 at random points during escalation, with platform latency: a real Klaxon process (the
// accelerated-bot fixture: a fast clock, a platform that takes PLATFORM_LATENCY_MS per post and
// keeps an on-disk log of what it accepted, which outlives the kill) is killed at ≥30 random
// moments and restarted on the same database file each time. The platform's log must show every
// page delivered, and none twice. The kill points come from a seeded generator; the seed is
// printed, and KILL_SEED=<seed> repeats a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, inArray, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryKey } from '../../src/service/port.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { outbox, pageNotifications } from '../../src/store/schema.js';
import { bundleForRestarts } from '../helpers/bundle.js';
import { seeded } from '../helpers/seeded.js';
import { waitFor } from '../helpers/wait.js';
import { jsonLines } from '../helpers/json-lines.js';

const KILLS = 30;
const LATENCY_MS = 100;
/** A process with nothing to send is killed this long (real ms) after it said it was ready. */
const IDLE_KILL_MS = 1500;
const T0 = '2026-03-04T10:00:00Z';
/** 1 real second = 200 simulated seconds: the 90 minutes of two escalation rounds take 27 s. */
const FACTOR = 200;
/** After the last tier (round 2, tier 3 at +90m) nothing new falls due: a last run can drain. */
const STOP_AT = new Date(Date.parse(T0) + 100 * 60_000).toISOString();
const INCIDENTS = 5;
/** Tiers at +0, +15m, +30m, and again at +60m, +75m, +90m (the default policy repeats once). */
const PAGES_PER_INCIDENT = 6;

type Line = { op: string; channel?: string; key?: string };

let dir: string;
let bot: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'klaxon-kill-'));
  bot = await bundleForRestarts('test/e2e/fixtures/accelerated-bot.ts', dir, 'bot.mjs');
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [bot], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = jsonLines<Line>(child.stdout!);
  let gone = false;
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      gone = true;
      r();
    }),
  );
  /** True once the bot said it is ready; false if it died first. */
  const ready = waitFor(() => lines.some((l) => l.op === 'ready') || gone, 'the bot to start', 30_000).then(() => lines.some((l) => l.op === 'ready'));
  return { child, lines, ready, exited };
}

describe('random SIGKILL during escalation', () => {
  it(`${KILLS} kills at random points, platform latency 100 ms: every page delivered, none twice`, async () => {
    const seed = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const rand = seeded(seed);
    console.log(`[faults] SIGKILL loop starting, seed ${seed}`);
    const startedAt = Date.now();
    const env = {
      KLAXON_DB: join(dir, 'k.db'),
      PLATFORM_LOG: join(dir, 'platform.jsonl'),
      PLATFORM_LATENCY_MS: String(LATENCY_MS),
      CLOCK_T0: T0,
      CLOCK_REAL0: String(Date.now()),
      CLOCK_FACTOR: String(FACTOR),
      CLOCK_STOP_AT: STOP_AT,
    };
    const declare = Array.from({ length: INCIDENTS }, (_, i) => `declare sev1 Outage ${i + 1}`).join('\n');
    const killed = { beforeAccepted: 0, afterAccepted: 0, idle: 0 };
    for (let i = 0; i < KILLS; i++) {
      // The kill point: during the n-th platform call of this life (n from 1 to 3), at a random
      // moment from its start to a little past its end (the platform accepts half-way through).
      const nth = 1 + Math.floor(rand() * 3);
      const offset = Math.floor(rand() * LATENCY_MS * 1.5);
      const b = start(i === 0 ? { ...env, DECLARE: declare } : env);
      const calls = () => b.lines.filter((l) => l.op === 'call').length;
      let readyAt = Infinity;
      void b.ready.then(() => (readyAt = Date.now()));
      await waitFor(() => calls() >= nth || Date.now() - readyAt > IDLE_KILL_MS, 'a kill point', 30_000);
      if (calls() >= nth) await new Promise((r) => setTimeout(r, offset));
      b.child.kill('SIGKILL');
      await b.exited;
      const last = b.lines.filter((l) => l.op === 'call' || l.op === 'post').at(-1);
      if (calls() < nth) killed.idle++;
      else if (last?.op === 'call') killed.beforeAccepted++;
      else killed.afterAccepted++;
    }
    const killedFor = Date.now() - startedAt;

    // A last run, not killed: it finishes what is due until the simulated clock stops.
    const last = start(env);
    expect(await last.ready).toBe(true);
    const db = openDb(env.KLAXON_DB, { migrate: false });
    try {
      const clockStopped = () => Date.parse(T0) + (Date.now() - Number(env.CLOCK_REAL0)) * FACTOR >= Date.parse(STOP_AT);
      const waiting = async () => (await db.select().from(outbox).where(inArray(outbox.status, ['pending', 'sending']))).length;
      const notified = async () => (await db.select().from(pageNotifications)).length;
      await waitFor(async () => clockStopped() && (await notified()) === INCIDENTS * PAGES_PER_INCIDENT && (await waiting()) === 0, 'the last run to deliver everything', 90_000).catch(async (e: Error) => {
        const rows = (await db.select().from(outbox).where(inArray(outbox.status, ['pending', 'sending'])));
        throw new Error(`${e.message} (seed ${seed}): ${(await notified())} pages notified, still waiting: ${JSON.stringify(rows.map((r) => [r.id, r.status, r.destination, r.attempts, r.lastError]))}`);
      });
      last.child.kill('SIGTERM');
      await last.exited;

      const accepted = readFileSync(env.PLATFORM_LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string });
      const times = new Map<string, number>();
      for (const a of accepted) times.set(a.key, (times.get(a.key) ?? 0) + 1);
      const pageDms = (await db.select().from(outbox).where(and(isNotNull(outbox.pageId), inArray(outbox.kind, ['post'])))).filter((r) => r.destination.startsWith('dm:'));
      const delivered = pageDms.map((r) => times.get(deliveryKey(r.id)) ?? 0);
      const lost = delivered.filter((n) => n === 0).length;
      const twice = delivered.filter((n) => n > 1).length;
      const duplicatedPosts = [...times.values()].filter((n) => n > 1).length;
      console.log(
        `[faults] SIGKILL loop, seed ${seed} (KILL_SEED=${seed} repeats it): ${KILLS} kills in ${(killedFor / 1000).toFixed(1)} s (${killed.beforeAccepted} during a call before the platform accepted, ${killed.afterAccepted} after it accepted, ${killed.idle} with nothing to send); ${(await notified())} pages notified of ${INCIDENTS * PAGES_PER_INCIDENT} expected, ${pageDms.length} page DMs, ${lost} lost, ${twice} sent twice; ${accepted.length} posts accepted in all, ${duplicatedPosts} duplicated`,
      );
      expect(await notified()).toBe(INCIDENTS * PAGES_PER_INCIDENT);
      expect(pageDms).toHaveLength(INCIDENTS * PAGES_PER_INCIDENT);
      expect(lost).toBe(0);
      expect(twice).toBe(0);
      expect(duplicatedPosts).toBe(0);
    } finally {
      closeDb(db);
    }
  }, 180_000);
});
