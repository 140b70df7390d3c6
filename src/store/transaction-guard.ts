// Refuses statements from outside an open transaction on the same connection (see transaction.ts).
import type Database from 'better-sqlite3';
import { openTransactions, ownsTransaction } from './transaction-owner.js';

/**
 * Refuses a statement that would run inside another async context's open transaction. On one
 * SQLite connection such a statement would silently become part of that transaction (and vanish
 * with its rollback); every write belongs in `transaction()`, which waits its turn instead.
 */
export function guardTransactions(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const wrapped = new WeakSet<object>();
  const check = () => {
    if (openTransactions.has(sqlite) && !ownsTransaction(sqlite)) throw new Error('a statement ran outside the open transaction; run it inside transaction()');
  };
  sqlite.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (!wrapped.has(stmt)) {
      wrapped.add(stmt);
      for (const m of ['run', 'all', 'get', 'iterate'] as const) {
        const original = stmt[m] as (...a: unknown[]) => unknown;
        (stmt as unknown as Record<string, unknown>)[m] = function (this: unknown, ...args: unknown[]) {
          check();
          return original.apply(this, args);
        };
      }
    }
    return stmt;
  }) as typeof sqlite.prepare;
}
