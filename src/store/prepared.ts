// Hot queries built once: drizzle otherwise rebuilds a query's SQL from its builder on every call,
// which cost more than SQLite running it. `prepared(build)` keeps one drizzle prepared query (with
// sql.placeholder values) per database connection; a transaction shares its connection's.
//
// On SQLite the prepared query is also run directly (sqlite-direct.ts): drizzle's own execute
// re-inspects every parameter and every result column with `is()` on each call, which in a
// scheduler tick cost as much as SQLite running the statements. PostgreSQL keeps drizzle's path.
import type { Db, Tx } from './db.js';
import { runDirect } from './sqlite-direct.js';

export function prepared<Q>(build: (db: Tx | Db) => Q): (db: Tx | Db) => Q {
  const perSession = new WeakMap<object, Q>();
  return (db) => {
    // Drizzle's session belongs to the connection; every transaction handle carries the same one.
    const session = (db as unknown as { session: object }).session;
    let q = perSession.get(session);
    if (!q) {
      q = runDirect(build(db));
      perSession.set(session, q);
    }
    return q;
  };
}
