import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';
import { cacheStatements } from './statement-cache.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle a transaction callback receives; same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Opens (creating the folder if needed) and migrates the database. */
export function openDb(path: string, opts: { migrate?: boolean } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL lets the HTTP status page read while the scheduler writes; the busy timeout rides out
  // a second process (klaxon migrate, a test) holding the lock for a moment.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  cacheStatements(sqlite);
  const db = drizzle(sqlite, { schema }) as Db;
  if (opts.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}

export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}

/** True when the database answers a query; /healthz reports 503 otherwise. */
export function dbHealthy(db: Db): boolean {
  try {
    db.$client.prepare('select 1').get();
    return true;
  } catch {
    return false;
  }
}
