// Another process holding SQLite's write lock (a backup, `sqlite3` left in a transaction, a slow
// disk): a second connection that has run BEGIN IMMEDIATE and not finished.
import Database from 'better-sqlite3';

export type HeldLock = { release(): void };

export function holdWriteLock(path: string): HeldLock {
  const other = new Database(path);
  other.pragma('busy_timeout = 5000');
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      if (!other.open) return;
      other.exec('ROLLBACK');
      other.close();
    },
  };
}
