// KLAXON_DB pointed at another application's SQLite file must not be "migrated": that would add
// Klaxon's tables and switch it to WAL mode behind the other application's back. A file is
// Klaxon's when it is empty or already carries Klaxon's migrations table and incidents table.
import type Database from 'better-sqlite3';

export class ForeignDatabaseError extends Error {
  constructor(path: string, tables: string[]) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
    super(`KLAXON_DB: ${path} is another application's SQLite database (tables: ${shown}); Klaxon will not change it. Point KLAXON_DB at a new file`);
    this.name = 'ForeignDatabaseError';
  }
}

/** Refuses a non-empty database that is not Klaxon's. Runs before any pragma that would change the file. */
export function assertKlaxonFile(sqlite: Database.Database, path: string): void {
  const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  if (tables.length === 0) return;
  if (tables.includes('__drizzle_migrations') && tables.includes('incidents')) return;
  // Another Klaxon is migrating this fresh file right now: drizzle creates its migrations table
  // first, in its own statement, and only then the schema.
  if (tables.length === 1 && tables[0] === '__drizzle_migrations') return;
  throw new ForeignDatabaseError(path, tables);
}
