// Transactions for an async service on one SQLite connection.
//
// better-sqlite3 runs each statement synchronously, but the service awaits between statements (so
// that the same code can run on PostgreSQL, where every query is a round trip). Two commands that
// await inside their transactions would otherwise interleave on the one connection and commit or
// roll back each other's writes, so transactions take turns through a mutex, and a statement run
// outside the open transaction is refused (statement-cache.ts) instead of silently joining it.
import type { Db, Tx } from './db.js';
import { inside, openTransactions as open, ownsTransaction } from './transaction-owner.js';

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
  if (ownsTransaction(client)) return fn();
  return takeTurn(client, fn);
}
