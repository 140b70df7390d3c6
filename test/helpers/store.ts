// The store the integration suite runs on: SQLite in memory (the default), or PostgreSQL when the
// `postgres` vitest project sets KLAXON_TEST_STORE=postgres (vitest.config.ts). On PostgreSQL the
// test file gets its own database (store-setup.ts creates and migrates it), and each database a
// test opens starts from empty tables, as a fresh in-memory SQLite database would.
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { type Db, openDb } from '../../src/store/db.js';
import { DUMP_TABLES } from '../../src/store/dump.js';
import { openPgPool } from '../../src/store/pg.js';
import { PgRouter } from '../../src/store/pg-session.js';
import * as pgSchema from '../../src/store/schema-pg.js';
import { useDialect } from '../../src/store/tables.js';

export const testStore = (): 'sqlite' | 'postgres' => (process.env.KLAXON_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite');

/** Set by store-setup.ts once this file's PostgreSQL database is migrated. */
export const pgTest: { url?: string; pools: pg.Pool[] } = { pools: [] };

const dialect = new PgDialect();

/** An empty database on the store under test (SQLite: in memory). */
export function openTestDb(): Db {
  if (testStore() === 'sqlite') return openDb(':memory:');
  if (!pgTest.url) throw new Error('openTestDb(): the PostgreSQL test database exists only inside tests and hooks');
  useDialect('postgres', pgSchema);
  // The database a test opened before is emptied below, so its connections go (a property test
  // opens one per run: kept, they would exhaust the server's connections).
  for (const old of pgTest.pools.splice(0)) if (!old.ended) void old.end().catch(() => {});
  const pool = openPgPool(pgTest.url, { max: 4 });
  pgTest.pools.push(pool);
  // Empty, as a new in-memory SQLite database is: a test (or a property's run) may open several.
  // The pool holds every query back until the tables are emptied.
  const emptied = pool.query(`truncate ${DUMP_TABLES.join(', ')}, leases restart identity cascade`);
  // (pg's own pool.query checks out through connect(callback), so only connect is held back.)
  const connect = pool.connect.bind(pool) as (...a: unknown[]) => unknown;
  pool.connect = ((...a: unknown[]) => {
    const go = () => connect(...a);
    if (typeof a[0] === 'function') void emptied.then(go, go);
    else return emptied.then(go);
  }) as typeof pool.connect;
  return drizzle(new PgRouter(pool, (q) => dialect.sqlToQuery(q)) as unknown as pg.Pool, { schema: pgSchema }) as unknown as Db;
}
