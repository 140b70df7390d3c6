// Hand-written SQL for either store: aggregates (stats, /metrics) and bulk deletes (retention),
// which drizzle's builder does not express well. The SQL itself must mean the same on SQLite and
// PostgreSQL (no SQLite-only functions; `count(*) filter (where …)` rather than summing booleans).
import type { SQL } from 'drizzle-orm';
import type { Db, Tx } from './db.js';
import { PgRouter } from './pg-session.js';

function routerOf(db: Db | Tx): PgRouter | undefined {
  const client = (db as { $client?: unknown }).$client ?? (db as unknown as { session: { client: unknown } }).session?.client;
  return client instanceof PgRouter ? client : undefined;
}

/** Rows as arrays of values, in the order the SELECT names them. */
export async function rawRows(db: Db | Tx, query: SQL): Promise<unknown[][]> {
  const router = routerOf(db);
  if (!router) return db.values<unknown[]>(query);
  const q = router.toQuery(query);
  return (await router.query({ text: q.sql, values: q.params, rowMode: 'array' } as never)).rows as unknown[][];
}

/** Runs a write; the rows it changed. */
export async function rawRun(db: Db | Tx, query: SQL): Promise<number> {
  const router = routerOf(db);
  if (!router) return db.run(query).changes;
  const q = router.toQuery(query);
  return (await router.query({ text: q.sql, values: q.params })).rowCount ?? 0;
}
