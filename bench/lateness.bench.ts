// Escalation lateness: how long after its due time a timer fires in a running Klaxon (real clock,
// WAL file, the scheduler loop on), with KLAXON_TICK_SECONDS at 5 and at 60. The loop wakes at the
// earliest due timer, so lateness must not depend on the polling interval. Goal: ≤ 100 ms.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { eq } from 'drizzle-orm';
import { KlaxonApp } from '../src/app.js';
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { actorFor } from '../src/service/actor.js';
import { scheduleTimer } from '../src/service/timers.js';
import { closeDb, openDb } from '../src/store/db.js';
import { timers } from '../src/store/schema.js';
import { benchDbPath, percentile } from './util.js';

const TIMERS = 40;

async function lateness(tickSeconds: number): Promise<number[]> {
  const path = benchDbPath('lateness');
  const db = openDb(path);
  const policy = loadPolicy('examples/policies/default.yaml');
  const app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: tickSeconds }, policy, db, log: createLogger('silent') });
  await app.start({ http: false });
  await app.service.run(actorFor(policy, 'console', 'alice'), 'declare sev3 Lateness bench');
  // Timers due 50 ms to 2 s ahead, each armed by its own commit, as pages and nudges are.
  const start = Date.now();
  for (let i = 0; i < TIMERS; i++) {
    await app.service.transact((ctx) => scheduleTimer(ctx, 'postmortem_reminder', new Date(start + 50 + Math.floor((i / TIMERS) * 1950)), { incidentId: 1 }));
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 10_000;
  let done: { dueAt: Date; firedAt: Date | null }[] = [];
  while (Date.now() < deadline) {
    done = (await db.select().from(timers).where(eq(timers.kind, 'postmortem_reminder'))).filter((t) => t.dueAt.getTime() >= start);
    if (done.every((t) => t.firedAt)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await app.stop();
  closeDb(db);
  rmSync(dirname(path), { recursive: true, force: true });
  return done.map((t) => (t.firedAt ? t.firedAt.getTime() - t.dueAt.getTime() : Infinity)).sort((a, b) => a - b);
}

export async function bench(): Promise<string> {
  const rows = [];
  for (const s of [5, 60]) {
    const l = await lateness(s);
    rows.push(`| ${s} s | ${l.length} | ${percentile(l, 0.5)} ms | ${percentile(l, 0.95)} ms | ${l[l.length - 1]} ms |`);
  }
  return [
    '## Escalation lateness (bench/lateness.bench.ts)',
    '',
    `${TIMERS} timers due 50 ms to 2 s ahead in a running Klaxon (real clock, WAL file, scheduler loop on), each armed by its own commit; lateness is fired_at − due_at. Goal: ≤ 100 ms, independent of the tick setting.`,
    '',
    '| KLAXON_TICK_SECONDS | timers | median | p95 | max |',
    '|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}
