// A faster way to run drizzle's prepared queries on better-sqlite3. Drizzle re-decides on every
// call what each placeholder and each result column is (`is()` class checks per value and per
// cell, a generic path walk per cell, an async wrapper per execute): for the small queries on
// Klaxon's hot paths (a command's reads, a fired timer's writes) that cost more than SQLite
// running them. Here those decisions are made once, when the query is prepared, and `execute`
// answers synchronously. The SQL, its parameters and the mapped rows are exactly drizzle's
// (test/unit/fast-query.test.ts compares them); PostgreSQL's prepared queries are left as they are.
import type Database from 'better-sqlite3';
import { Column, is, Param, Placeholder, SQL } from 'drizzle-orm';
import { PreparedQuery as BetterSqlitePrepared } from 'drizzle-orm/better-sqlite3';

type Decoder = { mapFromDriverValue(v: unknown): unknown };
type Field = { path: string[]; field: unknown };
type Internals = {
  stmt: Database.Statement;
  query: { sql: string; params: unknown[] };
  fields?: Field[];
  customResultMapper?: unknown;
  executeMethod: 'all' | 'get' | 'run' | 'values';
  execute: (values?: Record<string, unknown>) => unknown;
};

/** Turns a query's parameters into a function of the placeholder values, decided once. */
function paramFiller(params: unknown[]): (values: Record<string, unknown>) => unknown[] {
  const fills = params.map((p): ((v: Record<string, unknown>) => unknown) => {
    const placeholder = is(p, Placeholder) ? p : is(p, Param) && is(p.value, Placeholder) ? p.value : undefined;
    if (!placeholder) return () => p;
    const name = placeholder.name;
    const encoder = is(p, Param) ? p.encoder : undefined;
    return (v) => {
      if (!(name in v)) throw new Error(`No value for placeholder "${name}" was provided`);
      return encoder ? encoder.mapToDriverValue(v[name]) : v[name];
    };
  });
  return (values) => fills.map((f) => f(values));
}

function decoderOf(field: unknown): Decoder | undefined {
  if (is(field, Column)) return field as unknown as Decoder;
  if (is(field, SQL)) return (field as unknown as { decoder: Decoder }).decoder;
  return undefined;
}

/** Maps raw row arrays to objects as drizzle does, when every selected field is a flat column or SQL. */
function rowMapper(fields: Field[]): ((row: unknown[]) => Record<string, unknown>) | undefined {
  const keys: string[] = [];
  const decoders: Decoder[] = [];
  for (const { path, field } of fields) {
    const decoder = decoderOf(field);
    // Nested selections (joins into sub-objects) keep drizzle's own mapping and its null rules.
    if (path.length !== 1 || !decoder) return undefined;
    keys.push(path[0]);
    decoders.push(decoder);
  }
  return (row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const raw = row[i];
      out[keys[i]] = raw === null ? null : decoders[i].mapFromDriverValue(raw);
    }
    return out;
  };
}

/** Gives a drizzle better-sqlite3 prepared query a synchronous, precompiled `execute`; others are returned untouched. */
export function fastQuery<Q>(q: Q): Q {
  if (!is(q, BetterSqlitePrepared)) return q;
  const p = q as unknown as Internals;
  if (p.customResultMapper) return q;
  const fill = paramFiller(p.query.params);
  const stmt = p.stmt;
  if (p.executeMethod === 'run') {
    p.execute = (values = {}) => stmt.run(...fill(values));
    return q;
  }
  if (p.executeMethod !== 'all' || !p.fields) return q;
  const map = rowMapper(p.fields);
  if (!map) return q;
  // The statement is shared through the statement cache, whose other users may leave it in another mode.
  p.execute = (values = {}) => (stmt.raw(true).all(...fill(values)) as unknown[][]).map(map);
  return q;
}
