// `klaxon export FILE` and `klaxon import FILE`: a team's whole history between a store and a file
// (src/store/dump.ts), to move from SQLite to PostgreSQL or back:
//   KLAXON_DB=./data/klaxon.db klaxon export klaxon.jsonl
//   KLAXON_DATABASE_URL=postgres://… klaxon import klaxon.jsonl
// The store is --database (a SQLite path or a postgres:// URL), else KLAXON_DATABASE_URL, else KLAXON_DB.
import { createReadStream, existsSync, closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadEnv } from '../config/env.js';
import { closeDb } from '../store/db.js';
import { DumpError, exportDump, importDump, pgDumpStore, sqliteDumpStore, type DumpStore } from '../store/dump.js';
import { isPostgresUrl, migratePg, openPgPool, redactUrl } from '../store/pg.js';
import { openDbAt } from '../store/startup-errors.js';
import { ArgError, parseArgs } from './args.js';


async function withStore<T>(target: string, fn: (s: DumpStore) => Promise<T>): Promise<T> {
  if (isPostgresUrl(target)) {
    const pool = openPgPool(target, { max: 2 });
    try {
      await migratePg(pool);
      const client = await pool.connect();
      try {
        return await fn(pgDumpStore(client, redactUrl(target)));
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  }
  const db = openDbAt(target);
  try {
    return await fn(sqliteDumpStore(db, target));
  } finally {
    closeDb(db);
  }
}

function storeFrom(opts: Record<string, string | true>): string {
  if (typeof opts.database === 'string') return opts.database;
  const env = loadEnv();
  return env.KLAXON_DATABASE_URL ?? env.KLAXON_DB;
}

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${n} ${t.replace(/_/g, ' ')}`)
    .join(', ') || 'no rows';

export async function exportCommand(args: string[]): Promise<number> {
  const { opts, positional } = parseArgs(args, { values: ['database'] }, 1);
  const file = positional[0];
  if (!file) throw new ArgError('name the file to write');
  if (existsSync(file)) {
    console.error(`${file} already exists; choose a new file name (an export never overwrites one).`);
    return 1;
  }
  const target = storeFrom(opts);
  // Written beside the target and renamed at the end: a failed export leaves no file that looks complete.
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'wx');
  try {
    const counts = await withStore(target, (s) => exportDump(s, (line) => writeSync(fd, `${line}\n`)));
    closeSync(fd);
    renameSync(partial, file);
    console.log(`Exported ${summary(counts)} from ${redactUrl(target)} to ${file}.`);
    return 0;
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    rmSync(partial, { force: true });
    throw e;
  }
}

export async function importCommand(args: string[]): Promise<number> {
  const { opts, positional } = parseArgs(args, { values: ['database'] }, 1);
  const file = positional[0];
  if (!file) throw new ArgError('name the export file to read');
  if (!existsSync(file)) {
    console.error(`${file} does not exist.`);
    return 1;
  }
  const target = storeFrom(opts);
  try {
    const counts = await withStore(target, (s) => importDump(s, createInterface({ input: createReadStream(file), crlfDelay: Infinity })));
    console.log(`Imported ${summary(counts)} from ${file} into ${redactUrl(target)}.`);
    return 0;
  } catch (e) {
    if (!(e instanceof DumpError)) throw e;
    console.error(`Cannot import ${file}: ${e.message}`);
    return 1;
  }
}
