// PostgreSQL migrations on a real server (src/store/pg.ts): they apply to an empty database, and
// two replicas starting at the same moment both come up with the migrations applied once.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { incidents } from '../../src/store/schema-pg.js';
import { closePgDb, migratePg, openPgDb, openPgPool } from '../../src/store/pg.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { pgMigrationsFolder } from '../helpers/pg-migrations.js';

async function appliedHashes(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ hash: string }>('select hash from drizzle.__drizzle_migrations order by id')).rows.map((r) => r.hash);
  } finally {
    await c.end();
  }
}

describe('PostgreSQL migrations', () => {
  it('apply to an empty database, and the store reads back what it wrote with SQLite\'s shapes', async () => {
    const t = await createTestDatabase();
    try {
      const db = await openPgDb(t.url, { migrationsFolder: pgMigrationsFolder() });
      try {
        const at = new Date('2026-03-04T10:00:00.123Z');
        await db.insert(incidents).values({ title: 'Checkout down', severity: 'sev1', status: 'investigating', declaredAt: at, declaredBy: 'bob', lastUpdateAt: at });
        const [row] = await db.select().from(incidents);
        expect(row).toMatchObject({ id: 1, title: 'Checkout down', declaredAt: at, targetsMissed: 0, resolvedAt: null });
        expect(row.declaredAt).toBeInstanceOf(Date);
        // Aggregates come back as numbers, as on SQLite.
        const { rows } = await db.$client.query('select count(*) as n, sum(declared_at) as s, avg(targets_missed) as a from incidents');
        expect(rows[0]).toEqual({ n: 1, s: at.getTime(), a: 0 });
      } finally {
        await closePgDb(db);
      }
    } finally {
      await t.drop();
    }
  });

  it('two replicas migrating one empty database at the same moment both succeed and apply each migration once', async () => {
    const t = await createTestDatabase();
    const folder = pgMigrationsFolder();
    const pools = [openPgPool(t.url), openPgPool(t.url), openPgPool(t.url)];
    try {
      const results = await Promise.allSettled(pools.map((p) => migratePg(p, { migrationsFolder: folder })));
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
      const hashes = await appliedHashes(t.url);
      expect(hashes.length).toBeGreaterThan(0);
      expect(new Set(hashes).size).toBe(hashes.length);
      // Starting again later applies nothing more.
      await migratePg(pools[0], { migrationsFolder: folder });
      expect(await appliedHashes(t.url)).toEqual(hashes);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await t.drop();
    }
  });
});
