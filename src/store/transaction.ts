// Transactions for an async service on one SQLite connection.
//
// better-sqlite3 runs each statement synchronously, but the service awaits between statements (so
// that the same code can run on PostgreSQL, where every query is a round trip). Two commands that
// await inside their transactions would otherwise interleave on the one connection and commit or
// roll back each other's writes, so transactions take turns through a mutex, and a statement run
// outside the open transaction is refused (statement-cache.ts) instead of silently joining it.
//
// On PostgreSQL (pg-session.ts) a transaction takes a pooled connection of its own, and every
// query its async context makes is routed to that connection.
import type { Db, Tx } from './db.js';
import { PgRouter } from './pg-session.js';
import { inside, openTransactions as open, ownsTransaction } from './transaction-owner.js';

/**
 * Commands take turns across replicas as they do on one SQLite file (BEGIN IMMEDIATE): a
 * transaction-scoped advisory lock ('KLX!', 3), so no command reads state another is half-way
 * through changing. The leader lock is ('KLX!', 1), the migration lock ('KLX!', 2).
 */
export const WRITE_LOCK = [0x4b4c5821, 3] as const;

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    // The next waiter goes after this one whether it succeeded or not.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const mutexes = new WeakMap<object, Mutex>();

function clientOf(db: Db | Tx): Db['$client'] {
  return (db as Db).$client ?? (db as unknown as { session: { client: Db['$client'] } }).session.client;
}

/** Waits for this connection's turn, then runs `fn` as the owner of the connection. */
function takeTurn<T>(client: Db['$client'], fn: () => Promise<T>): Promise<T> {
  let m = mutexes.get(client);
  if (!m) mutexes.set(client, (m = new Mutex()));
  return m.run(() => {
    const owners = new Map(inside.getStore() ?? []);
    owners.set(client, { depth: 0 });
    return inside.run(owners, fn);
  });
}

/**
 * Runs `fn` in one transaction (BEGIN IMMEDIATE: the write lock is taken up front, so a busy
 * database fails at the start rather than half-way). A throw rolls everything back. Called from
 * inside a transaction on the same connection it nests as a savepoint.
 */
export async function transaction<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = clientOf(db);
  if (client instanceof PgRouter) return pgTransaction(client, db, fn);
  if (ownsTransaction(client)) return savepoint(db, fn);
  return takeTurn(client, async () => {
    client.prepare('begin immediate').run();
    open.add(client);
    try {
      const out = await fn(db as Tx);
      client.prepare('commit').run();
      return out;
    } catch (e) {
      if (client.inTransaction) client.prepare('rollback').run();
      throw e;
    } finally {
      open.delete(client);
    }
  });
}

/** A savepoint inside the caller's transaction: a throw rolls back only what `fn` did. */
export async function savepoint<T>(tx: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = clientOf(tx);
  if (client instanceof PgRouter) return pgSavepoint(client, tx, fn);
  const owner = inside.getStore()?.get(client);
  if (!owner) throw new Error('savepoint outside a transaction');
  const name = `sp${++owner.depth}`;
  client.prepare(`savepoint ${name}`).run();
  try {
    const out = await fn(tx as Tx);
    client.prepare(`release ${name}`).run();
    return out;
  } catch (e) {
    client.prepare(`rollback to ${name}`).run();
    client.prepare(`release ${name}`).run();
    throw e;
  } finally {
    owner.depth--;
  }
}

/** Rows a write changed, the same on either store (`.run().changes` was SQLite's alone). */
export async function runChanges(q: PromiseLike<unknown>): Promise<{ changes: number }> {
  const r = (await q) as { changes?: number; rowCount?: number | null };
  return { changes: r.changes ?? r.rowCount ?? 0 };
}

/**
 * Standalone statements (each its own autocommit) run in turn with transactions on the same
 * connection: without this, a write made while another command's transaction is open would
 * silently join it. Inside a transaction it simply runs.
 */
export async function exclusive<T>(db: Db | Tx, fn: () => Promise<T>): Promise<T> {
  const client = clientOf(db);
  // PostgreSQL: a statement outside a transaction runs on a connection of its own (pg-session.ts).
  if (client instanceof PgRouter) return fn();
  if (ownsTransaction(client)) return fn();
  return takeTurn(client, fn);
}

async function pgTransaction<T>(router: PgRouter, db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (router.current.getStore()) return pgSavepoint(router, db, fn);
  const client = await router.pool.connect();
  const state = { client, depth: 0, changes: 0 };
  let broken = false;
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1, $2)', [...WRITE_LOCK]);
    const out = await router.current.run(state, () => fn(db as Tx));
    await client.query('commit');
    router.changes += state.changes;
    return out;
  } catch (e) {
    // A connection that cannot even roll back (it was cut) is not given back to the pool.
    await client.query('rollback').catch(() => (broken = true));
    throw e;
  } finally {
    client.release(broken);
  }
}

async function pgSavepoint<T>(router: PgRouter, tx: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const state = router.current.getStore();
  if (!state) throw new Error('savepoint outside a transaction');
  const name = `sp${++state.depth}`;
  const changesBefore = state.changes;
  await state.client.query(`savepoint ${name}`);
  try {
    const out = await fn(tx as Tx);
    await state.client.query(`release savepoint ${name}`);
    return out;
  } catch (e) {
    // PostgreSQL refuses every statement after an error until the savepoint is rolled back.
    await state.client.query(`rollback to savepoint ${name}`);
    await state.client.query(`release savepoint ${name}`);
    state.changes = changesBefore;
    throw e;
  } finally {
    state.depth--;
  }
}

/** Rows changed through this connection (SQLite) or this process (PostgreSQL) so far: a change counter. */
export function totalChanges(db: Db | Tx): number {
  const client = clientOf(db);
  if (client instanceof PgRouter) return client.changes;
  // Prepared once and cached by the store (statement-cache.ts); pluck is set per use.
  return client.prepare('select total_changes()').pluck().get() as number;
}
