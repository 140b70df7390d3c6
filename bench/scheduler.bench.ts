// How long one scheduler tick takes to fire 100 due timers while 1k, 10k or 100k others wait.
// The claim query reads the (status, due_at) index, so the cost must not grow with the backlog.
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { tick } from '../src/scheduler/tick.js';
import { actorFor } from '../src/service/actor.js';
import { FakeClock } from '../src/service/clock.js';
import { Service } from '../src/service/service.js';
import { closeDb, openDb } from '../src/store/db.js';

const DUE = 100;
const ROUNDS = 15;
const T0 = Date.parse('2026-03-04T10:00:00Z');

function setup(pending: number) {
  const db = openDb(':memory:');
  const policy = loadPolicy('examples/policies/default.yaml');
  const clock = new FakeClock(new Date(T0));
  const svc = new Service({ db, policy, clock, platforms: ['console'], log: createLogger('silent') });
  // One open incident per due timer: a nudge is per incident (firing one re-arms that incident's).
  for (let i = 0; i < DUE; i++) svc.run(actorFor(policy, 'console', 'alice'), `declare sev3 Bench incident ${i}`);
  const filler = db.$client.prepare("insert into timers (kind, due_at, status, incident_id, created_at) values ('postmortem_reminder', ?, 'pending', 1, ?)");
  db.$client.transaction(() => {
    // Far-future timers: waiting, never claimed by these ticks.
    for (let i = 0; i < pending; i++) filler.run(T0 + 86400_000 * 30 + i, T0);
  })();
  const insert = db.$client.prepare("insert into timers (kind, due_at, status, incident_id, created_at) values ('nudge', ?, 'pending', ?, ?)");
  return { db, svc, clock, insert };
}

/** Median milliseconds for a tick that fires exactly DUE timers. */
function measure(pending: number): number {
  const { db, svc, clock, insert } = setup(pending);
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const now = T0 + (r + 1) * 60_000;
    db.$client.transaction(() => {
      for (let i = 0; i < DUE; i++) insert.run(now - 1, i + 1, T0);
    })();
    clock.set(new Date(now));
    const t = process.hrtime.bigint();
    const fired = tick(svc);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (fired < DUE) throw new Error(`expected ${DUE} timers to fire, got ${fired}`);
    // Each incident also had its own nudge armed at declaration; only this run's due ones count.
  }
  closeDb(db);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export async function bench(): Promise<string> {
  measure(0); // warm-up: JIT and SQLite page cache, so the baseline is not flattered by order
  const baseline = measure(0);
  const rows = [1_000, 10_000, 100_000].map((n) => ({ n, ms: measure(n) }));
  const lines = [
    '## Scheduler tick (bench/scheduler.bench.ts)',
    '',
    `One tick firing ${DUE} due nudge timers, one per open incident (each a transaction that reads its incident and re-arms its nudge), median of ${ROUNDS}. Baseline: the same tick with no other timers pending.`,
    '',
    '| pending timers | median tick | ratio to baseline |',
    '|---:|---:|---:|',
    `| 0 (baseline) | ${baseline.toFixed(2)} ms | 1.00× |`,
    ...rows.map((r) => `| ${r.n.toLocaleString('en')} | ${r.ms.toFixed(2)} ms | ${(r.ms / baseline).toFixed(2)}× |`),
    '',
  ];
  return lines.join('\n');
}
