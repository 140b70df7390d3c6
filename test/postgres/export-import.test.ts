// `klaxon export` / `klaxon import` (src/store/dump.ts, src/cli/transfer.ts): a history built by
// the real service on SQLite goes to a real PostgreSQL and back to a new SQLite file with every
// table's rows equal, numbers kept, the next incident numbered after the last; an import refuses a
// store that holds data and a file cut short, changing nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, type Db } from '../../src/store/db.js';
import { DUMP_TABLES, DumpError, dumpTables, exportDump, importDump, pgDumpStore, sqliteDumpStore, type DumpStore } from '../../src/store/dump.js';
import { migratePg, openPgPool } from '../../src/store/pg.js';
import * as pgSchema from '../../src/store/schema-pg.js';
import { actionRuns, alertDeliveries, checklistItems, incidentAlerts, incidents, incidentSpaces, processedEvents, settings, supportReplies } from '../../src/store/schema.js';
import { harness, MINUTE } from '../helpers/harness.js';
import { pgMigrationsFolder } from '../helpers/pg-migrations.js';
import { createTestDatabase, usePostgres, type TestDatabase } from '../helpers/postgres.js';

const pgdb = usePostgres();
let pool: pg.Pool;
let client: pg.PoolClient;
const dir = mkdtempSync(join(tmpdir(), 'klaxon-dump-'));

beforeAll(async () => {
  pool = openPgPool(pgdb.url);
  await migratePg(pool, { migrationsFolder: pgMigrationsFolder() });
  client = await pool.connect();
});
afterAll(async () => {
  client?.release();
  await pool?.end();
});

/** A history the service wrote: paged, escalated, acknowledged, resolved, with timers still pending and messages undelivered. */
function history(path: string): Db {
  const h = harness({ dbPath: path });
  expect(h.run('bob', 'declare sev1 Checkout down').ok).toBe(true);
  h.advance(20 * MINUTE);
  expect(h.run('alice', 'ack #1').ok).toBe(true);
  expect(h.run('alice', 'update #1 identified Bad deploy, rolling back').ok).toBe(true);
  expect(h.run('carol', 'declare sev3 Slow search "quotes" and ünïcode').ok).toBe(true);
  expect(h.run('alice', 'resolve #1 Rolled back').ok).toBe(true);
  expect(h.run('erin', 'override primary @carol 2h').ok).toBe(true);
  h.advance(3 * MINUTE);
  // Tables this path does not fill, written directly so every table is exercised.
  const at = h.clock.now();
  h.db.insert(incidentAlerts).values({ incidentId: 2, fingerprint: 'fp1', name: 'HighLatency', status: 'firing', firstAt: at, lastAt: at }).run();
  h.db.insert(alertDeliveries).values({ integration: 'prom', sha256: 'ab12', receivedAt: at, bytes: 10, body: '{"a":1}', incidentId: 2, outcome: 'dedupe' }).run();
  h.db.insert(checklistItems).values({ incidentId: 2, n: 1, phase: 'declared', text: 'Page the owner' }).run();
  h.db.insert(processedEvents).values([{ platform: 'slack', eventId: 'Ev0B' }, { platform: 'slack', eventId: 'Ev0a' }, { platform: 'discord', eventId: '123' }].map((e) => ({ ...e, processedAt: at }))).run();
  h.db.insert(incidentSpaces).values({ incidentId: 1, platform: 'slack', channelId: 'C0INC1', name: 'inc-1-checkout-down' }).run();
  h.db.insert(actionRuns).values({ incidentId: 1, name: 'safe mode', target: 'PUT admin.example.com/api/safe_mode', actorName: 'Alice', status: 'done', startedAt: at, finishedAt: at, outcome: '200' }).run();
  h.db.update(incidents).set({ components: ['Checkout', 'API'], labels: { team: 'payments', env: 'prod' } }).where(eq(incidents.id, 1)).run();
  h.db.insert(supportReplies).values({ platform: 'slack', channel: 'C1', user: 'U1', repliedAt: at }).run();
  h.db.insert(settings).values({ key: 'automation', value: 'off', updatedAt: at }).onConflictDoNothing().run();
  return h.db;
}

async function dumpOf(s: DumpStore): Promise<string[]> {
  const lines: string[] = [];
  await exportDump(s, (l) => lines.push(l));
  return lines;
}

async function* feed(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

/** Every table as stored, in key order: what the round trip must keep. */
function tablesOf(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(
    dumpTables().map((t) => [t.name, db.$client.prepare(`select * from "${t.name}" order by ${t.key.map((k) => `"${k}"`).join(', ')}`).all()]),
  );
}

describe('export and import between SQLite and PostgreSQL', () => {
  it('SQLite → PostgreSQL → SQLite keeps every row of every table, and PostgreSQL numbers the next incident after the last', async () => {
    const original = history(join(dir, 'original.db'));
    const before = tablesOf(original);
    for (const t of DUMP_TABLES) expect(before[t].length, `rows in ${t}`).toBeGreaterThan(0);
    const fromSqlite = await dumpOf(sqliteDumpStore(original, 'original.db'));
    closeDb(original);

    const imported = await importDump(pgDumpStore(client, 'postgres'), feed(fromSqlite));
    expect(imported).toEqual(Object.fromEntries(DUMP_TABLES.map((t) => [t, before[t].length])));
    const fromPg = await dumpOf(pgDumpStore(client, 'postgres'));
    // Same rows, same order, same bytes; only the header's "from" differs.
    expect(fromPg.slice(1)).toEqual(fromSqlite.slice(1));

    const back = openDb(join(dir, 'back.db'));
    try {
      await importDump(sqliteDumpStore(back, 'back.db'), feed(fromPg));
      expect(tablesOf(back)).toEqual(before);
    } finally {
      closeDb(back);
    }

    // Pending timers and undelivered messages made the trip as such.
    const pdb = drizzle(pool, { schema: pgSchema });
    const timers = await pdb.select().from(pgSchema.timers).orderBy(asc(pgSchema.timers.id));
    expect(timers.filter((t) => t.status === 'pending').length).toBe((before.timers as { status: string }[]).filter((t) => t.status === 'pending').length);
    expect(timers.find((t) => t.status === 'pending')?.dueAt).toBeInstanceOf(Date);
    // The next incident is #3, not #1: the sequence moved past the imported ids.
    const at = new Date();
    const [next] = await pdb.insert(pgSchema.incidents).values({ title: 'After the move', severity: 'sev2', status: 'investigating', declaredAt: at, declaredBy: 'bob', lastUpdateAt: at }).returning();
    expect(next.id).toBe(3);
  });

  it('refuses to import into a store that holds data, naming what it holds, and changes nothing', async () => {
    const db = openDb(join(dir, 'busy.db'));
    try {
      const busy = history(join(dir, 'busy-src.db'));
      const dump = await dumpOf(sqliteDumpStore(busy, 'busy-src.db'));
      closeDb(busy);
      await importDump(sqliteDumpStore(db, 'busy.db'), feed(dump));
      const rows = tablesOf(db);
      const err = await importDump(sqliteDumpStore(db, 'busy.db'), feed(dump)).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(DumpError);
      expect(err!.message).toMatch(/^busy\.db already holds data \(incidents: 2, pages: \d+.*\); import only into an empty database/);
      expect(tablesOf(db)).toEqual(rows);
    } finally {
      closeDb(db);
    }
  });

  it('refuses a file cut short or from another schema, leaving the store empty', async () => {
    const src = history(join(dir, 'cut-src.db'));
    const dump = await dumpOf(sqliteDumpStore(src, 'cut-src.db'));
    closeDb(src);
    const db = openDb(join(dir, 'cut.db'));
    try {
      const s = sqliteDumpStore(db, 'cut.db');
      await expect(importDump(s, feed(dump.slice(0, -3)))).rejects.toThrow(/incomplete \(no end line\).*Nothing was imported/);
      const header = JSON.parse(dump[0]);
      header.tables.incidents = [...header.tables.incidents, 'mood'];
      await expect(importDump(s, feed([JSON.stringify(header), ...dump.slice(1)]))).rejects.toThrow(/incidents columns .* differ from this Klaxon's/);
      await expect(importDump(s, feed(['{"hello":1}']))).rejects.toThrow(/not a Klaxon export/);
      for (const [t, rows] of Object.entries(tablesOf(db))) expect(rows, t).toEqual([]);
    } finally {
      closeDb(db);
    }
  });

  let cliPg: TestDatabase | undefined;
  afterAll(async () => {
    await cliPg?.drop();
  });

  it('the command line: export to a file, import it into an empty store, refuse a second import', async () => {
    cliPg = await createTestDatabase();
    const src = history(join(dir, 'cli-src.db'));
    closeDb(src);
    const klaxon = (args: string[]) => {
      const r = spawnSync(process.execPath, ['bin/klaxon.js', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', KLAXON_DATABASE_URL: '', KLAXON_DB: join(dir, 'cli-src.db') }, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const file = join(dir, 'klaxon.jsonl');
    const exp = klaxon(['export', file]);
    expect(exp.code, exp.err).toBe(0);
    expect(exp.out).toMatch(/^Exported 2 incidents, \d+ pages, .* to .*klaxon\.jsonl\.$/m);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)).toMatch(/^\{"end":/);
    expect(klaxon(['export', file]).err).toMatch(/already exists/);
    const imp = klaxon(['import', file, '--database', join(dir, 'cli-dst.db')]);
    expect(imp.code, imp.err).toBe(0);
    expect(imp.out).toMatch(/^Imported 2 incidents, /);
    const again = klaxon(['import', file, '--database', join(dir, 'cli-dst.db')]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^Cannot import .*klaxon\.jsonl: .*cli-dst\.db already holds data \(incidents: 2/);

    // Into PostgreSQL and out again, by URL: the same rows come back (the password never shown).
    const pgFile = join(dir, 'from-pg.jsonl');
    const toPg = klaxon(['import', file, '--database', cliPg!.url]);
    expect(toPg.code, toPg.err).toBe(0);
    expect(toPg.out).toMatch(/into postgres:\/\/klaxon:\*\*\*@/);
    const fromPg = klaxon(['export', pgFile, '--database', cliPg!.url]);
    expect(fromPg.code, fromPg.err).toBe(0);
    expect(readFileSync(pgFile, 'utf8').split('\n').slice(1)).toEqual(readFileSync(file, 'utf8').split('\n').slice(1));
  }, 120_000);
});
