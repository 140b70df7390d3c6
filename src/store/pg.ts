// The PostgreSQL store (KLAXON_DATABASE_URL=postgres://…): a connection pool, the same drizzle
// query API as SQLite over src/store/schema-pg.ts, and migrations applied at start under an
// advisory lock, so replicas starting together migrate once: the first applies them, the others
// wait for the lock, then find every migration recorded and apply nothing.
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema-pg.js';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './db.js';
import { PgRouter } from './pg-session.js';
import { useDialect } from './tables.js';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const PG_MIGRATIONS = fileURLToPath(new URL('../../migrations/postgres', import.meta.url));

/** The migration lock's key pair ('KLX!', 2); the leader lock is ('KLX!', 1). */
export const MIGRATION_LOCK = [0x4b4c5821, 2] as const;

// node-postgres returns int8 (bigint: our times, count(*), sum()) and numeric (avg()) as strings,
// since not every value fits a JS number. Every value Klaxon stores does (ids, epoch milliseconds),
// so they are parsed as numbers: query results have the same shape as on SQLite.
const INT8 = 20;
const NUMERIC = 1700;
// drizzle passes its own type parsers with every query and falls back to pg's global ones for
// these types, so the global parsers are set too (this process talks to one PostgreSQL: Klaxon's).
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(NUMERIC, (v) => Number(v));
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/**
 * A session left idle inside a transaction (a replica frozen or cut off mid-command) is ended by the
 * server after this long, so its locks (the write lock among them) do not stop every other replica.
 */
export const IDLE_IN_TRANSACTION_MS = 10_000;
/** How long a command waits for the write lock (transaction.ts) before it fails as "busy", like SQLite's busy timeout. */
export const LOCK_TIMEOUT_MS = 5_000;

/** A pool on `url`; `max` connections (default 10). Nothing is sent until the first query. */
export function openPgPool(url: string, o: { max?: number; idleInTransactionMs?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.max ?? 10,
    types,
    connectionTimeoutMillis: 10_000,
    idle_in_transaction_session_timeout: o.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS,
    lock_timeout: LOCK_TIMEOUT_MS,
  });
  // An idle connection the server drops (restart, failover) is replaced on the next checkout;
  // without a listener the error would end the process.
  pool.on('error', () => {});
  return pool;
}

/**
 * Applies the migrations not yet recorded, holding a session advisory lock on one connection for
 * the whole run. drizzle records each migration in drizzle.__drizzle_migrations in the transaction
 * that applies it, so a replica that waited re-reads the record and skips what the first applied.
 */
export async function migratePg(pool: pg.Pool, o: { migrationsFolder?: string } = {}): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('select pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client), { migrationsFolder: o.migrationsFolder ?? PG_MIGRATIONS });
    } finally {
      await client.query('select pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
    }
  } catch (e) {
    broken = true;
    throw e;
  } finally {
    // A connection whose unlock may have failed is not returned to the pool holding the lock.
    client.release(broken);
  }
}

/** Opens a pool on `url`, migrates (unless `migrate: false`) and returns the drizzle handle. */
export async function openPgDb(url: string, o: { migrate?: boolean; migrationsFolder?: string; max?: number } = {}): Promise<PgDb> {
  const pool = openPgPool(url, { max: o.max });
  try {
    if (o.migrate !== false) await migratePg(pool, { migrationsFolder: o.migrationsFolder });
  } catch (e) {
    await pool.end();
    throw e;
  }
  return drizzle(pool, { schema }) as PgDb;
}

/**
 * The service's handle on PostgreSQL: the same drizzle API as the SQLite Db (and typed as one, since
 * the service is written once), over a PgRouter so transaction() works as on SQLite. Switches the
 * process's table bindings to PostgreSQL's (tables.ts).
 */
export async function openPgServiceDb(url: string, o: { migrate?: boolean; max?: number; idleInTransactionMs?: number } = {}): Promise<Db> {
  const pool = openPgPool(url, o);
  try {
    if (o.migrate !== false) await migratePg(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  useDialect('postgres', schema);
  const router = new PgRouter(pool, (q) => dialect.sqlToQuery(q));
  return drizzle(router as unknown as pg.Pool, { schema }) as unknown as Db;
}

const dialect = new PgDialect();

export async function closePgDb(db: PgDb): Promise<void> {
  if (!db.$client.ended) await db.$client.end();
}

/** True when the database answers a query; /healthz reports 503 otherwise. */
export async function pgHealthy(db: PgDb): Promise<boolean> {
  try {
    await db.$client.query('select 1');
    return true;
  } catch {
    return false;
  }
}

export { isPostgresUrl, redactUrl } from './url.js';
