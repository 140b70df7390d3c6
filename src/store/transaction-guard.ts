// Refuses statements from outside an open transaction on the same connection (see transaction.ts).
import type Database from 'better-sqlite3';
import { openTransactions, ownsTransaction } from './transaction-owner.js';

/**
 * Refuses a write that would run inside another async context's open transaction. On one SQLite
 * connection such a write would silently become part of that transaction (and vanish with its
 * rollback); standalone writes go through exclusive() and commands through transaction(), which
 * wait their turn instead. Reads are let through: at worst they see a write not yet committed.
 */
export function guardTransactions(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const wrapped = new WeakSet<object>();
  sqlite.prepare = ((source: string) => {
    const stmt = prepare(source);
    // A write with RETURNING is a reader to better-sqlite3, so the SQL decides.
    if ((!stmt.reader || /^\s*(insert|update|delete|replace)\b/i.test(source)) && !wrapped.has(stmt)) {
      wrapped.add(stmt);
      for (const m of ['run', 'all', 'get'] as const) {
        const original = (stmt[m] as (...a: unknown[]) => unknown).bind(stmt);
        (stmt as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
          if (openTransactions.has(sqlite) && !ownsTransaction(sqlite)) throw new Error('a write ran outside the open transaction; run it in transaction() or exclusive()');
          return original(...args);
        };
      }
    }
    return stmt;
  }) as typeof sqlite.prepare;
}
