// How the service's queries reach PostgreSQL. The service was written for one SQLite connection:
// everything a command runs while its transaction is open belongs to that transaction, whichever
// handle (`ctx.tx` or `deps.db`) it goes through. On a pool that would not hold (each query may
// take another connection), so drizzle is given this router instead of the pool: a query made
// inside transaction() runs on that transaction's connection (found through AsyncLocalStorage),
// any other query on a pooled connection of its own (autocommit).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQL } from 'drizzle-orm';
import type pg from 'pg';

export type PgTxState = { client: pg.PoolClient; depth: number; changes: number };

export class PgRouter {
  /** The transaction the calling async context is inside, per router. */
  readonly current = new AsyncLocalStorage<PgTxState>();
  /** Rows changed by writes through this process (Service.transact and the status page use it as a change counter). */
  changes = 0;

  constructor(
    readonly pool: pg.Pool,
    /** drizzle's PostgreSQL dialect, to turn hand-written SQL (raw.ts) into text and parameters. */
    readonly toQuery: (q: SQL) => { sql: string; params: unknown[] },
  ) {}

  // drizzle calls query(config, values); the signature is pg's.
  query(config: pg.QueryConfig | string, values?: unknown[]): Promise<pg.QueryResult> {
    const tx = this.current.getStore();
    const run = tx ? tx.client.query(config as pg.QueryConfig, values) : this.pool.query(config as pg.QueryConfig, values);
    return run.then((r) => {
      if (r.command === 'INSERT' || r.command === 'UPDATE' || r.command === 'DELETE') {
        if (tx) tx.changes += r.rowCount ?? 0;
        else this.changes += r.rowCount ?? 0;
      }
      return r;
    });
  }

  /** Pool-like: drizzle's migrator and transaction() would check a connection out. */
  connect(): Promise<pg.PoolClient> {
    return this.pool.connect();
  }

  end(): Promise<void> {
    return this.pool.ended ? Promise.resolve() : this.pool.end();
  }

  get ended(): boolean {
    return this.pool.ended;
  }
}
