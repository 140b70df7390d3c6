// PostgreSQL against SQLite, same run: the slash-command ack (`/incident status #1`, a read, and
// `/incident declare`, a write committed before the 200) and one scheduler tick firing 100 due
// nudges while 1,000 other timers wait. Each store runs in its own process (one store per process,
// src/store/tables.ts), SQLite on a WAL file, PostgreSQL on the local server the tests use
// (KLAXON_TEST_DATABASE_URL or ~/.config/klaxon/test-database-url, a fresh database per run).
// The processes alternate, two rounds each, so machine noise falls on both alike.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../test/helpers/postgres.js';
import type { StoreFigures } from './store-worker.js';
import { benchDbPath, median, ratio } from './util.js';

const ROUNDS = 2;
const here = dirname(fileURLToPath(import.meta.url));

function run(target: string): StoreFigures {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'store-worker.ts'), target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as StoreFigures;
}

export async function bench(): Promise<string> {
  const figures: Record<'sqlite' | 'postgres', StoreFigures[]> = { sqlite: [], postgres: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const path = benchDbPath('store');
    try {
      figures.sqlite.push(run(path));
    } finally {
      rmSync(dirname(path), { recursive: true, force: true });
    }
    const pg = await createTestDatabase();
    try {
      figures.postgres.push(run(pg.url));
    } finally {
      await pg.drop();
    }
  }
  const of = (store: 'sqlite' | 'postgres', k: keyof StoreFigures) => median(figures[store].map((f) => f[k]));
  const row = (label: string, k: keyof StoreFigures) => `| ${label} | ${of('sqlite', k).toFixed(2)} ms | ${of('postgres', k).toFixed(2)} ms | ${ratio(of('postgres', k), of('sqlite', k))} |`;
  return [
    '## PostgreSQL against SQLite (bench/postgres.bench.ts)',
    '',
    'The same Klaxon on each store, each in its own process, alternating, median of 2 runs per store. Acks: 150 signed slash commands one at a time over loopback ' +
      '(Klaxon runs the command and commits before its 200; delivery stubbed out). Tick: one scheduler step firing 100 due nudges while 1,000 other timers wait. ' +
      'SQLite on a WAL file; PostgreSQL on the local server over TCP, every write transaction serialised by an advisory lock. Ratio: PostgreSQL / SQLite (higher is slower).',
    '',
    '| case | SQLite | PostgreSQL | ratio |',
    '|---|---:|---:|---:|',
    row('`/incident status #1` ack, p50', 'statusP50'),
    row('`/incident status #1` ack, p99', 'statusP99'),
    row('`/incident declare` ack, p50', 'declareP50'),
    row('`/incident declare` ack, p99', 'declareP99'),
    row('scheduler tick, 100 due of 1,100', 'tick'),
    '',
  ].join('\n');
}
