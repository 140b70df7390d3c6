// Which store this Klaxon runs on: PostgreSQL when KLAXON_DATABASE_URL is a postgres:// URL (any
// number of replicas, one leading), else the SQLite file at KLAXON_DB (one process). The rest of
// Klaxon sees one Db either way.
import { closeDb, type Db, dbHealthy } from './db.js';
import { PgRouter } from './pg-session.js';
import { openDbAt, StartupError } from './startup-errors.js';
import { isPostgresUrl, redactUrl } from './url.js';

export type Store = {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  /** PostgreSQL's connection pool (leadership takes its connection settings from it). */
  pool?: import('pg').Pool;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
};

/** Opens (and migrates, unless `migrate: false`) the store `url` names, else the SQLite file at `path`. */
export async function openStore(o: { url?: string; path: string; migrate?: boolean }): Promise<Store> {
  if (isPostgresUrl(o.url)) {
    // Loaded only here: a SQLite Klaxon never pays for the PostgreSQL driver.
    const { openPgServiceDb } = await import('./pg.js');
    let db: Db;
    try {
      db = await openPgServiceDb(o.url, { migrate: o.migrate });
    } catch (e) {
      const why = (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));
      throw new StartupError(`KLAXON_DATABASE_URL: cannot use PostgreSQL at ${redactUrl(o.url)} (${why})`, { cause: e });
    }
    const router = db.$client as unknown as PgRouter;
    return { db, dialect: 'postgres', pool: router.pool, healthy: () => dbHealthy(db), close: () => router.end() };
  }
  const db = openDbAt(o.path);
  return { db, dialect: 'sqlite', healthy: () => dbHealthy(db), close: async () => closeDb(db) };
}

/** Closes whichever store `db` is on. */
export async function closeStore(db: Db): Promise<void> {
  const client: unknown = db.$client;
  if (client instanceof PgRouter) await client.end();
  else closeDb(db);
}
