// The PostgreSQL test helper: each file's database is fresh and its own, and a machine without a
// server makes these tests fail with the way to fix it instead of skipping them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/store/pg.js';
import { createTestDatabase, testDatabaseUrl, usePostgres } from '../helpers/postgres.js';

const db = usePostgres();
const saved = { url: process.env.KLAXON_TEST_DATABASE_URL, xdg: process.env.XDG_CONFIG_HOME };
afterEach(() => {
  for (const [k, v] of [['KLAXON_TEST_DATABASE_URL', saved.url], ['XDG_CONFIG_HOME', saved.xdg]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function query(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

describe('the PostgreSQL test helper', () => {
  it("gives this file an empty database of its own that another file's writes do not reach", async () => {
    expect(await query(db.url, `select table_name from information_schema.tables where table_schema = 'public'`)).toEqual([]);
    await query(db.url, 'create table mine (n int)');
    const other = await createTestDatabase();
    try {
      expect(other.name).not.toBe(db.name);
      expect(await query(other.url, `select table_name from information_schema.tables where table_schema = 'public'`)).toEqual([]);
    } finally {
      await other.drop();
    }
    expect(await query(testDatabaseUrl(), `select 1 from pg_database where datname = '${other.name}'`)).toEqual([]);
  });

  it('fails with how to set PostgreSQL up when no server is configured', () => {
    delete process.env.KLAXON_TEST_DATABASE_URL;
    process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'klaxon-noconf-'));
    expect(() => testDatabaseUrl()).toThrow(/KLAXON_TEST_DATABASE_URL is not set.*\.ci\/postgres\.sh/);
  });

  it('fails naming the server, without its password, when it is unreachable', async () => {
    process.env.KLAXON_TEST_DATABASE_URL = 'postgres://klaxon:s3cret@127.0.0.1:1/klaxon_test';
    const err = await createTestDatabase().then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/PostgreSQL at postgres:\/\/klaxon:\*\*\*@127\.0\.0\.1:1\/klaxon_test is unreachable/);
    expect(err?.message).not.toContain('s3cret');
    expect(redactUrl('postgres://a:b@h/d')).toBe('postgres://a:***@h/d');
  });
});
