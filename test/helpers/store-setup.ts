// vitest setup for the `postgres` project (vitest.config.ts): this test file's own PostgreSQL
// database, migrated once (openTestDb empties it for each database a test opens).
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { migratePg, openPgPool } from '../../src/store/pg.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { pgTest } from './store.js';

let db: TestDatabase | undefined;
let admin: pg.Pool | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  admin = openPgPool(db.url, { max: 1 });
  await migratePg(admin);
  pgTest.url = db.url;
});

afterEach(async () => {
  await Promise.all(pgTest.pools.splice(0).map((p) => (p.ended ? undefined : p.end())));
});

afterAll(async () => {
  await admin?.end();
  await db?.drop();
});
