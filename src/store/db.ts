import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { assertKlaxonFile } from './foreign-file.js';
import * as schema from './schema.js';
import { isTransientDbError } from './db-errors.js';
import { cacheStatements } from './statement-cache.js';
import { guardTransactions } from './transaction-guard.js';
import { PgRouter } from './pg-session.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle a transaction callback receives; same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const MIGRATIONS = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url));

/**
 * How long one statement waits for another process's write lock. Short on purpose: SQLite waits
 * synchronously, so a long wait freezes HTTP, Slack acks and /healthz. A statement that still finds
 * the lock fails with SQLITE_BUSY, and callers retry later without blocking (see db-errors.ts).
 */
export const BUSY_TIMEOUT_MS = 100;

const STARTUP_BUSY_TIMEOUT_MS = 10_000;

/** Opens (creating the folder if needed) and migrates the database. */
export function openDb(path: string, opts: { migrate?: boolean; busyTimeoutMs?: number } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  try {
    assertKlaxonFile(sqlite, path);
  } catch (e) {
    sqlite.close();
    throw e;
  }
  // WAL lets the HTTP status page read while the scheduler writes (and while another process holds
  // the write lock); the busy timeout rides out a lock held for a moment.
  // Start-up may wait: another process may be migrating the same file at this moment.
  sqlite.pragma(`busy_timeout = ${STARTUP_BUSY_TIMEOUT_MS}`);
  whileBusy(() => sqlite.pragma('journal_mode = WAL'));
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // The scheduler fires each timer in its own savepoint; with temporary files on disk every savepoint
  // wrote its pages' old contents to a fresh sub-journal file, half again the cost of the writes.
  sqlite.pragma('temp_store = MEMORY');
  cacheStatements(sqlite);
  guardTransactions(sqlite);
  const db = drizzle(sqlite, { schema }) as Db;
  if (opts.migrate !== false) {
    whileBusy(() => migrate(db, { migrationsFolder: MIGRATIONS }));
    whileBusy(() => carryTimelineMarks(sqlite));
  }
  sqlite.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
  return db;
}

/**
 * Databases from before incident_marks kept that state only on the timeline: copy it over for
 * open incidents, so an upgrade neither nudges early nor posts a missed target or an automatic
 * escalation twice. Idempotent (existing marks win) and cheap (open incidents only, by index).
 */
function carryTimelineMarks(sqlite: Database.Database): void {
  sqlite.exec(`
    insert or ignore into incident_marks (incident_id, mark, at)
    select incident_id, kind, max(at) from timeline_events
    where incident_id in (select id from incidents where status != 'resolved')
      and kind in ('nudge', 'auto_escalate', 'target_missed:acknowledge', 'target_missed:mitigate', 'target_missed:resolve')
    group by incident_id, kind`);
}

export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}

/** True when the database answers a query (either store); /healthz reports 503 otherwise. */
export async function dbHealthy(db: Db): Promise<boolean> {
  try {
    const client: unknown = db.$client;
    if (client instanceof PgRouter) await client.pool.query('select 1');
    else db.$client.prepare('select 1').get();
    return true;
  } catch {
    return false;
  }
}

/**
 * Start-up only: retries while another process holds the file (two Klaxons or `klaxon migrate`
 * migrating one fresh file at once). Each retry re-reads which migrations are applied, so the
 * second process skips what the first committed instead of failing on CREATE TABLE.
 */
function whileBusy<T>(fn: () => T, budgetMs = STARTUP_BUSY_TIMEOUT_MS): T {
  const end = Date.now() + budgetMs;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    try {
      return fn();
    } catch (e) {
      if (!isTransientDbError(e) || Date.now() > end) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    }
  }
}
