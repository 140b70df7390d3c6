// `klaxon export` / `klaxon import`: every table's rows, as stored, between a store and a file, so
// a team moves its history from SQLite to PostgreSQL (or back) keeping incident numbers, ids,
// timelines, pages, pending timers and undelivered outbox rows exactly.
//
// The file is JSON lines: a header naming each table's columns, one `[table, [values…]]` line per
// row, and an end line with the counts (an import refuses a file without it: a truncated copy must
// not become a half history). Values are the stored ones (times as epoch milliseconds, JSON columns
// as their text), so nothing is re-encoded on the way; only `timeline_events.public` differs
// between the stores (0/1 in SQLite, a boolean in PostgreSQL) and is written as true/false.
// The same store at the same version writes byte-identical files from SQLite and PostgreSQL.
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import type pg from 'pg';
import type { Db } from './db.js';
import * as schema from './schema.js';

export const DUMP_FORMAT = 'klaxon-dump';
export const DUMP_VERSION = 1;
const PAGE = 1000;
/** SQLite binds at most 32766 parameters per statement; PostgreSQL 65535. */
const MAX_PARAMS = 30_000;

/**
 * Every table but `leases` (which process writes a SQLite file: meaningless anywhere else), parents
 * before children so foreign keys hold while importing.
 */
export const DUMP_TABLES = ['incidents', 'pages', 'action_runs', 'incident_alerts', 'alert_deliveries', 'timeline_events', 'role_assignments', 'incident_marks', 'checklist_items', 'page_notifications', 'timers', 'outbox', 'incident_spaces', 'processed_events', 'settings', 'overrides', 'support_replies'] as const;

type TableInfo = { name: string; columns: string[]; key: string[]; textKey: Set<string>; booleans: Set<string>; identity: boolean };

/** Columns, keys and boolean columns of each dumped table, read from the schema (both stores agree: test/postgres/schema-agreement.test.ts). */
export function dumpTables(): TableInfo[] {
  const byName = new Map<string, TableInfo>();
  for (const t of (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable))) {
    const c = getTableConfig(t);
    const key = c.primaryKeys.length ? c.primaryKeys[0].columns.map((x) => x.name) : c.columns.filter((x) => x.primary).map((x) => x.name);
    byName.set(c.name, {
      name: c.name,
      columns: c.columns.map((x) => x.name),
      key,
      textKey: new Set(c.columns.filter((x) => key.includes(x.name) && x.columnType === 'SQLiteText').map((x) => x.name)),
      booleans: new Set(c.columns.filter((x) => x.columnType === 'SQLiteBoolean').map((x) => x.name)),
      identity: key.length === 1 && key[0] === 'id',
    });
  }
  // A table added to the schema must be moved too (or left out here on purpose, with the reason).
  const missing = [...byName.keys()].filter((n) => n !== 'leases' && !(DUMP_TABLES as readonly string[]).includes(n));
  if (missing.length) throw new Error(`dump: add ${missing.join(', ')} to DUMP_TABLES in src/store/dump.ts (parents before children)`);
  return DUMP_TABLES.map((n) => {
    const t = byName.get(n);
    if (!t) throw new Error(`dump: table ${n} is not in the schema`);
    return t;
  });
}

/** One store, as export and import use it: plain SQL, rows as arrays in column order. */
export type DumpStore = {
  dialect: 'sqlite' | 'postgres';
  /** Where to say the rows went or came from, without a password. */
  label: string;
  query(sql: string, params: unknown[]): Promise<unknown[][]>;
  exec(sql: string): Promise<void>;
};

export function sqliteDumpStore(db: Db, label: string): DumpStore {
  const c = db.$client;
  return {
    dialect: 'sqlite',
    label,
    query: async (sql, params) => {
      const st = c.prepare(sql);
      if (st.reader) return st.raw().all(...params) as unknown[][];
      st.run(...params);
      return [];
    },
    exec: async (sql) => void c.exec(sql),
  };
}

/** On one checked-out connection: a transaction must see its own statements. */
export function pgDumpStore(client: pg.PoolClient | pg.Client, label: string): DumpStore {
  return {
    dialect: 'postgres',
    label,
    query: async (sql, params) => (await client.query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][],
    exec: async (sql) => void (await client.query(sql)),
  };
}

export class DumpError extends Error {}

const q = (name: string) => `"${name}"`;

function place(s: DumpStore, n: number): string {
  return s.dialect === 'sqlite' ? '?' : `$${n}`;
}

/** `key > last` in primary-key order; text keys compare bytewise on both stores ("C"), so both list rows alike. */
function keyExpr(s: DumpStore, t: TableInfo): string[] {
  return t.key.map((k) => (s.dialect === 'postgres' && t.textKey.has(k) ? `${q(k)} collate "C"` : q(k)));
}

async function* rowsOf(s: DumpStore, t: TableInfo): AsyncGenerator<unknown[]> {
  const keys = keyExpr(s, t);
  const keyAt = t.key.map((k) => t.columns.indexOf(k));
  let last: unknown[] | null = null;
  for (;;) {
    const where = last ? `where (${keys.join(', ')}) > (${keys.map((_, i) => place(s, i + 1)).join(', ')})` : '';
    const rows = await s.query(`select ${t.columns.map(q).join(', ')} from ${q(t.name)} ${where} order by ${keys.join(', ')} limit ${PAGE}`, last ?? []);
    for (const r of rows) yield r;
    if (rows.length < PAGE) return;
    const end = rows[rows.length - 1];
    last = keyAt.map((i) => end[i]);
  }
}

/**
 * Writes every table's rows to `write` (one line per call, without the newline), inside one read
 * transaction so the copy is consistent while Klaxon keeps running. Returns the row counts.
 */
export async function exportDump(s: DumpStore, write: (line: string) => void): Promise<Record<string, number>> {
  const tables = dumpTables();
  const counts: Record<string, number> = {};
  write(JSON.stringify({ format: DUMP_FORMAT, version: DUMP_VERSION, from: s.dialect, tables: Object.fromEntries(tables.map((t) => [t.name, t.columns])) }));
  await s.exec(s.dialect === 'sqlite' ? 'begin' : 'begin transaction isolation level repeatable read, read only');
  try {
    for (const t of tables) {
      counts[t.name] = 0;
      const bools = t.columns.map((c) => t.booleans.has(c));
      for await (const row of rowsOf(s, t)) {
        write(JSON.stringify([t.name, row.map((v, i) => (bools[i] && v !== null ? Boolean(v) : v))]));
        counts[t.name]++;
      }
    }
  } finally {
    await s.exec(s.dialect === 'sqlite' ? 'commit' : 'rollback');
  }
  write(JSON.stringify({ end: counts }));
  return counts;
}

/**
 * Reads a dump into an empty store, in one transaction: all of it or nothing. Refuses a store that
 * already holds rows, a file from another schema version, and a file cut short. On PostgreSQL
 * each id sequence then continues after the highest imported id, so the next incident is #max+1.
 */
export async function importDump(s: DumpStore, lines: AsyncIterable<string>): Promise<Record<string, number>> {
  const tables = dumpTables();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  const header = first.done ? null : parseLine(first.value, 1);
  if (!header || typeof header !== 'object' || Array.isArray(header) || (header as { format?: unknown }).format !== DUMP_FORMAT)
    throw new DumpError('not a Klaxon export (the first line is not a klaxon-dump header)');
  const h = header as { version: unknown; tables: Record<string, string[]> };
  if (h.version !== DUMP_VERSION) throw new DumpError(`this export has format version ${String(h.version)}; this Klaxon reads version ${DUMP_VERSION}`);
  for (const t of tables) {
    const given = h.tables?.[t.name];
    if (!given || given.join(',') !== t.columns.join(','))
      throw new DumpError(`this export's ${t.name} columns (${given?.join(', ') ?? 'missing'}) differ from this Klaxon's (${t.columns.join(', ')}): export and import with the same Klaxon version`);
  }
  await s.exec(s.dialect === 'sqlite' ? 'begin immediate' : 'begin');
  try {
    await refuseNonEmpty(s, tables);
    const counts: Record<string, number> = Object.fromEntries(tables.map((t) => [t.name, 0]));
    // Rows go in batches per table: one statement per few thousand rows, not one per row.
    const batch: { t: TableInfo | null; rows: unknown[][] } = { t: null, rows: [] };
    const flush = async () => {
      if (batch.t && batch.rows.length) await insert(s, batch.t, batch.rows);
      batch.rows = [];
    };
    let ended: Record<string, number> | null = null;
    for (let n = 2; ; n++) {
      const next = await it.next();
      if (next.done) break;
      if (next.value.trim() === '') continue;
      if (ended) throw new DumpError(`line ${n}: rows after the end line`);
      const v = parseLine(next.value, n);
      if (!Array.isArray(v)) {
        ended = (v as { end?: Record<string, number> }).end ?? null;
        if (!ended) throw new DumpError(`line ${n}: neither a row nor the end line`);
        continue;
      }
      const t = byName.get(String(v[0]));
      if (!t || !Array.isArray(v[1]) || v[1].length !== t.columns.length) throw new DumpError(`line ${n}: not a row of a known table`);
      const row = s.dialect === 'sqlite' ? v[1].map((x, i) => (t.booleans.has(t.columns[i]) && typeof x === 'boolean' ? Number(x) : x)) : v[1];
      if (batch.t !== t) await flush();
      batch.t = t;
      batch.rows.push(row);
      if (batch.rows.length * t.columns.length >= MAX_PARAMS) await flush();
      counts[t.name]++;
    }
    await flush();
    if (!ended) throw new DumpError('the export is incomplete (no end line): was the file cut short? Nothing was imported');
    for (const t of tables)
      if ((ended[t.name] ?? 0) !== counts[t.name]) throw new DumpError(`the export says ${ended[t.name] ?? 0} ${t.name} rows but holds ${counts[t.name]}: nothing was imported`);
    if (s.dialect === 'postgres') await resetSequences(s, tables);
    await s.exec('commit');
    return counts;
  } catch (e) {
    await s.exec('rollback').catch(() => {});
    throw e;
  }
}

function parseLine(line: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new DumpError(`line ${n} is not JSON: is this a Klaxon export?`);
  }
}

async function refuseNonEmpty(s: DumpStore, tables: TableInfo[]): Promise<void> {
  const held: string[] = [];
  for (const t of tables) {
    const [[n]] = await s.query(`select count(*) from ${q(t.name)}`, []);
    if (Number(n) > 0) held.push(`${t.name}: ${String(n)}`);
  }
  if (held.length) throw new DumpError(`${s.label} already holds data (${held.join(', ')}); import only into an empty database, nothing was imported`);
}

async function insert(s: DumpStore, t: TableInfo, rows: unknown[][]): Promise<void> {
  let n = 0;
  const values = rows.map((r) => `(${r.map(() => place(s, ++n)).join(', ')})`).join(', ');
  // An identity column accepts the exported ids as they are ("by default"), so numbers stay the same.
  await s.query(`insert into ${q(t.name)} (${t.columns.map(q).join(', ')}) values ${values}`, rows.flat());
}

async function resetSequences(s: DumpStore, tables: TableInfo[]): Promise<void> {
  for (const t of tables.filter((x) => x.identity))
    await s.query(`select setval(pg_get_serial_sequence('${q(t.name)}', 'id'), coalesce((select max(id) from ${q(t.name)}), 0) + 1, false)`, []);
}
