// A real PostgreSQL for the tests that need one: each test file gets its own fresh database
// (created before its tests, dropped after), so files running in parallel never see each other's
// rows. The server comes from KLAXON_TEST_DATABASE_URL (`.ci/run` sets it; locally run
// `.ci/postgres.sh` once). Without a reachable server these tests FAIL with the way to fix it:
// a PostgreSQL test that skipped would hide exactly the failures it exists to catch.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { redactUrl } from '../../src/store/pg.js';
import { waitFor } from './wait.js';

const HOW = 'run `.ci/postgres.sh` (installs and starts Debian\'s PostgreSQL, creates the klaxon role and database, prints the URL) and export KLAXON_TEST_DATABASE_URL=<that URL>';
/** Where `.ci/postgres.sh` records the URL, read when the variable is unset so any shell on a prepared machine works. */
const recorded = () => join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'klaxon', 'test-database-url');

/** The server's URL (a database the klaxon role may connect to, with CREATEDB); throws with how to set it up. */
export function testDatabaseUrl(): string {
  const fromEnv = process.env.KLAXON_TEST_DATABASE_URL?.trim();
  if (fromEnv) return fromEnv;
  let fromFile = '';
  try {
    fromFile = readFileSync(recorded(), 'utf8').trim();
  } catch {
    // Not prepared on this machine: the error below says how.
  }
  if (fromFile) return fromFile;
  throw new Error(`KLAXON_TEST_DATABASE_URL is not set: these tests need a real PostgreSQL. ${HOW}.`);
}


function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = testDatabaseUrl();
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
  } catch (e) {
    await c.end().catch(() => {});
    throw new Error(`PostgreSQL at ${redactUrl(url)} is unreachable (${(e as Error).message}): ${HOW}.`);
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export type TestDatabase = { readonly name: string; readonly url: string; drop(): Promise<void> };

/** Creates an empty database on the test server; `drop()` removes it (closing any connection left open). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `klaxon_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  return {
    name,
    url: withDatabase(testDatabaseUrl(), name),
    drop: () => dropDatabase(name),
  };
}

/**
 * This test file's own database, created in beforeAll and dropped in afterAll. Read `url` inside
 * tests or hooks (it is set once beforeAll has run).
 */
export function usePostgres(): { readonly url: string; readonly name: string } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  return {
    get url() {
      if (!db) throw new Error('usePostgres(): the database exists only inside tests and hooks');
      return db.url;
    },
    get name() {
      if (!db) throw new Error('usePostgres(): the database exists only inside tests and hooks');
      return db.name;
    },
  };
}

/**
 * Drops a test database, ending the connections left on it. PostgreSQL 15 refuses `with (force)`
 * while an autovacuum worker happens to be in that database ("must be a member of the role whose
 * process is being terminated"): the worker is done within moments, so the drop is tried again.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
      return;
    } catch (e) {
      if (attempt >= 5 || !/member of the role whose process is being terminated|is being accessed by other users/.test((e as Error).message)) throw e;
      // Tried again once the server shows no autovacuum worker in that database.
      await waitFor(
        () => admin(async (c) => (await c.query(`select 1 from pg_stat_activity where datname = $1 and backend_type = 'autovacuum worker'`, [name])).rowCount === 0),
        `autovacuum to leave ${name}`,
        30_000,
      );
    }
  }
}
