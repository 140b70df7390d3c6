// Draining an outbox backlog (Slack back after an outage): cost per delivered message with 100,
// 1k and 10k messages queued across 20 channels, against a recording adapter so only Klaxon's own
// work is timed. It must stay flat: each delivery reads only rows queued since the last one.
import type { Platform } from '../src/service/port.js';
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { Dispatcher } from '../src/scheduler/dispatcher.js';
import { FakeClock } from '../src/service/clock.js';
import { closeDb, openDb } from '../src/store/db.js';
import { RecordingAdapter } from '../test/helpers/recording-adapter.js';

async function perMessageMs(backlog: number): Promise<number> {
  const db = openDb(':memory:');
  const policy = loadPolicy('examples/policies/default.yaml');
  const insert = db.$client.prepare(
    "insert into outbox (platform, kind, destination, body, priority, status, attempts, next_attempt_at, created_at) values ('slack', 'post', ?, '{\"text\":\"update\"}', 1, 'pending', 0, 0, 0)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < backlog; i++) insert.run(`channel:C${i % 20}`);
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

async function median(backlog: number, rounds: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < rounds; i++) xs.push(await perMessageMs(backlog));
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

export async function bench(): Promise<string> {
  await median(100, 3); // warm-up
  const baseline = await median(100, 7);
  const rows = [
    { n: 1_000, ms: await median(1_000, 5) },
    { n: 10_000, ms: await median(10_000, 3) },
  ];
  return [
    '## Outbox drain (bench/outbox.bench.ts)',
    '',
    'A backlog spread over 20 channels delivered in one pass through a recording adapter (no network), median per message. Baseline: a backlog of 100.',
    '',
    '| queued messages | per message | ratio to baseline |',
    '|---:|---:|---:|',
    `| 100 (baseline) | ${(baseline * 1000).toFixed(0)} µs | 1.00× |`,
    ...rows.map((r) => `| ${r.n.toLocaleString('en')} | ${(r.ms * 1000).toFixed(0)} µs | ${(r.ms / baseline).toFixed(2)}× |`),
    '',
  ].join('\n');
}
