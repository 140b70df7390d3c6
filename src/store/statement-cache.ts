// Drizzle asks better-sqlite3 to prepare (parse and plan) every statement on every call; for the
// small queries Klaxon runs that compile was most of their cost. This keeps the compiled statement
// per SQL text, so a query built again with new values reuses its plan. SQLite re-prepares a cached
// statement by itself after a schema change (migrations), so a cached plan is never stale.
import type Database from 'better-sqlite3';

/** Distinct SQL texts kept; `IN (?, ?, …)` lists of many lengths must not grow it without bound. */
const MAX_STATEMENTS = 500;

export function cacheStatements(sqlite: Database.Database, max = MAX_STATEMENTS): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      // Least recently used goes first: re-inserting keeps Map order by last use.
      cache.delete(source);
      // A statement is handed out in its default mode: the last user may have set raw or pluck.
      if (stmt.reader) stmt.raw(false).pluck(false).expand(false);
    } else {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, stmt);
    return stmt;
  }) as typeof sqlite.prepare;
}
