// LIMIT written into the SQL text instead of bound. SQLite plans with the LIMIT's value, so a
// statement whose LIMIT is a bound parameter is recompiled on every run after its parameters are
// bound again (better-sqlite3 binds on every call): a prepared `limit ?` cost a full prepare per
// call. A literal keeps one plan per statement; callers pass a few fixed values.
import { sql } from 'drizzle-orm';

/** For `.limit()`: drizzle writes an SQL fragment into the query as it stands, on either store. */
export function literalLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a LIMIT must be a whole number ≥ 0, not ${n}`);
  return sql.raw(String(n)) as unknown as number;
}
