// Database bytes per incident: 300 incidents run through the service as people would (declare,
// two updates, resolve), on Slack and Discord, every message delivered, then measured after a
// VACUUM: with everything kept (before retention), and once KLAXON_RETENTION (30 days) has passed.
import { rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { tick } from '../src/scheduler/tick.js';
import { actorFor } from '../src/service/actor.js';
import { FakeClock } from '../src/service/clock.js';
import { Service } from '../src/service/service.js';
import { closeDb, openDb, type Db } from '../src/store/db.js';
import { pruneOnce } from '../src/store/retention.js';
import { benchDbPath } from './util.js';

const N = 300;
const T0 = Date.parse('2026-01-05T09:00:00Z');
const HOUR = 3600_000;

function size(db: Db, path: string): number {
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.exec('vacuum');
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(path).size;
}

export async function bench(): Promise<string> {
  const path = benchDbPath('disk');
  const db = openDb(path);
  const empty = size(db, path);
  const policy = loadPolicy('examples/policies/default.yaml');
  const clock = new FakeClock(new Date(T0));
  const svc = new Service({ db, policy, clock, platforms: ['slack', 'discord'], log: createLogger('silent') });
  const alice = actorFor(policy, 'console', 'alice');
  const sevs = ['sev1', 'sev2', 'sev3', 'sev3'];
  for (let i = 1; i <= N; i++) {
    const step = async (ms: number, text: string) => {
      clock.advance(ms);
      await tick(svc);
      const r = await svc.run(alice, text);
      if (!r.ok) throw new Error(`${text}: ${r.text}`);
    };
    await step(HOUR, `declare ${sevs[i % sevs.length]} Checkout errors number ${i}`);
    await step(10 * 60_000, `ack #${i}`);
    await step(20 * 60_000, `update #${i} identified The bad deploy is found`);
    await step(30 * 60_000, `update #${i} monitoring Rolled back, watching`);
    await step(40 * 60_000, `resolve #${i} Rolled back the deploy`);
    // Delivered, as the dispatcher would leave them.
    db.$client.prepare("update outbox set status = 'sent', sent_at = ?, ref_id = '1700000000.000100', ref_channel = 'C0123456789' where status = 'pending'").run(clock.now().getTime());
  }
  const kept = size(db, path);
  clock.advance(31 * 24 * HOUR);
  let pruned = { outbox: 0, timers: 0, events: 0 };
  for (let more = true; more; ) {
    const n = await pruneOnce(db, clock.now().getTime() - 30 * 24 * HOUR);
    pruned = { outbox: pruned.outbox + n.outbox, timers: pruned.timers + n.timers, events: pruned.events + n.events };
    more = n.outbox + n.timers + n.events > 0;
  }
  const after = size(db, path);
  closeDb(db);
  rmSync(dirname(path), { recursive: true, force: true });
  const per = (b: number) => `${((b - empty) / N / 1024).toFixed(1)} KB`;
  const per1000 = (b: number) => `${(((b - empty) / N) * 1000 / 1e6).toFixed(1)} MB`;
  return [
    '## Disk per incident (bench/disk.bench.ts)',
    '',
    `${N} incidents through the service (declare, ack, two updates, resolve; Slack and Discord; every message delivered), database VACUUMed before measuring. ` +
      `Retention deleted ${pruned.outbox.toLocaleString('en')} outbox rows and ${pruned.timers.toLocaleString('en')} timers. Goal: ≤ 3 MB per 1,000 incidents with default retention.`,
    '',
    '| state | per incident | per 1,000 incidents | ratio to everything kept |',
    '|---|---:|---:|---:|',
    `| everything kept (before retention) | ${per(kept)} | ${per1000(kept)} | 1.00× |`,
    `| after KLAXON_RETENTION (30d) | ${per(after)} | ${per1000(after)} | ${((after - empty) / (kept - empty)).toFixed(2)}× |`,
    '',
  ].join('\n');
}
