// Draining an outbox backlog (Slack back after an outage): cost per delivered message, against a
// recording adapter so only Klaxon's own work is timed. Each delivery must read only what it needs,
// so the cost per message stays flat as the backlog and the number of destinations (queues) grow.
import type { Platform } from '../src/service/port.js';
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { Dispatcher } from '../src/scheduler/dispatcher.js';
import { FakeClock } from '../src/service/clock.js';
import { closeDb, openDb } from '../src/store/db.js';
import { RecordingAdapter } from '../test/helpers/recording-adapter.js';
import { median } from './util.js';

async function perMessageMs(backlog: number, destinations: number): Promise<number> {
  const db = openDb(':memory:');
  const policy = loadPolicy('examples/policies/default.yaml');
  const insert = db.$client.prepare(
    "insert into outbox (platform, kind, destination, body, priority, status, attempts, next_attempt_at, created_at) values ('slack', 'post', ?, '{\"text\":\"update\"}', 1, 'pending', 0, 0, 0)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < backlog; i++) insert.run(`channel:C${i % destinations}`);
  })();
  const adapter = new RecordingAdapter('slack');
  const d = new Dispatcher(db, policy, new Map<Platform, RecordingAdapter>([['slack', adapter]]), new FakeClock('2026-03-04T10:00:00Z'), createLogger('silent'));
  const t = process.hrtime.bigint();
  const sent = await d.dispatch();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  closeDb(db);
  if (sent !== backlog) throw new Error(`expected ${backlog} deliveries, got ${sent}`);
  return ms / backlog;
}

async function typical(backlog: number, destinations: number, rounds: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < rounds; i++) xs.push(await perMessageMs(backlog, destinations));
  return median(xs);
}

export async function bench(): Promise<string> {
  await typical(400, 20, 3); // warm-up
  const baseline = await typical(400, 20, 5);
  const rows = [
    { n: 4_000, dest: 20, ms: await typical(4_000, 20, 3) },
    { n: 4_000, dest: 4_000, ms: await typical(4_000, 4_000, 3) },
    { n: 12_000, dest: 4_000, ms: await typical(12_000, 4_000, 1) },
  ];
  return [
    '## Outbox drain (bench/outbox.bench.ts)',
    '',
    'A backlog delivered in one pass through a recording adapter (no network), median per message. Baseline: 400 messages over 20 destinations, same run.',
    '',
    '| queued messages | destinations | per message | ratio to baseline |',
    '|---:|---:|---:|---:|',
    `| 400 (baseline) | 20 | ${(baseline * 1000).toFixed(0)} µs | 1.00× |`,
    ...rows.map((r) => `| ${r.n.toLocaleString('en')} | ${r.dest.toLocaleString('en')} | ${(r.ms * 1000).toFixed(0)} µs | ${(r.ms / baseline).toFixed(2)}× |`),
    '',
  ].join('\n');
}
