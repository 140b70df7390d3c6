// Runs a drizzle prepared query on better-sqlite3 without drizzle's per-call work. What drizzle
// works out again on every call (which parameter is a placeholder and how its value is encoded,
// how each result column is decoded) is worked out once here, from the prepared query itself, and
// the compiled statement is called with the values. Same SQL, same statement, same results:
// anything this does not recognise (joins, custom mappers, a logger, a cache, PostgreSQL) keeps
// drizzle's own path.
import { Column, is, NoopLogger, Param, Placeholder, SQL } from 'drizzle-orm';
import { NoopCache } from 'drizzle-orm/cache/core';
import type Database from 'better-sqlite3';

type Encoder = { mapToDriverValue(v: unknown): unknown };
type Decoder = { mapFromDriverValue(v: unknown): unknown };

/** The parts of drizzle's better-sqlite3 PreparedQuery this reads (drizzle-orm/better-sqlite3/session.js). */
type DrizzleSqlitePrepared = {
  stmt?: Database.Statement;
  query?: { sql: string; params: unknown[] };
  fields?: { path: string[]; field: unknown }[];
  executeMethod?: 'run' | 'all' | 'get';
  logger?: unknown;
  cache?: unknown;
  customResultMapper?: unknown;
  joinsNotNullableMap?: unknown;
  _isResponseInArrayMode?: boolean;
};

/** A value for each `?`, in order: a constant, or a named placeholder (encoded by its column when bound through one). */
type Slots = { names: (string | null)[]; constants: unknown[]; encoders: (Encoder | null)[] };

/** The prepared query, run directly when it is a plain better-sqlite3 one; otherwise unchanged. */
export function runDirect<Q>(q: Q): Q {
  const p = q as unknown as DrizzleSqlitePrepared;
  const stmt = p.stmt;
  // drizzle's synchronous better-sqlite3 path neither logs (with its no-op logger) nor caches (with
  // its no-op cache); `joinsNotNullableMap` only matters for joined fields, which rowMapper refuses.
  if (!stmt || typeof stmt.run !== 'function' || !p.query || p.customResultMapper) return q;
  if (!is(p.logger, NoopLogger) || (p.cache !== undefined && !is(p.cache, NoopCache))) return q;
  const slots = slotsOf(p.query.params);
  if (!slots) return q;
  const bind = binder(slots);
  let execute: (values: Record<string, unknown>) => unknown;
  switch (p.executeMethod) {
    case 'run':
      execute = (values) => stmt.run(...bind(values));
      break;
    case 'all': {
      if (!p.fields) {
        execute = (values) => stmt.all(...bind(values));
        break;
      }
      const row = rowMapper(p.fields);
      if (!row) return q;
      execute = (values) => {
        const rows = stmt.raw(true).all(...bind(values)) as unknown[][];
        const out = new Array<unknown>(rows.length);
        for (let i = 0; i < rows.length; i++) out[i] = row(rows[i]);
        return out;
      };
      break;
    }
    default:
      return q;
  }
  const direct = Object.create(q as object) as { execute: (values?: Record<string, unknown>) => Promise<unknown> };
  // Async like drizzle's: a failure is a rejected promise, never a synchronous throw.
  direct.execute = async (values = {}) => execute(values);
  return direct as Q;
}

function slotsOf(params: unknown[]): Slots | null {
  const slots: Slots = { names: [], constants: [], encoders: [] };
  for (const v of params) {
    let name: string | null = null;
    let encoder: Encoder | null = null;
    if (is(v, Placeholder)) name = v.name;
    else if (is(v, Param)) {
      // drizzle leaves only placeholders wrapped in a Param; a constant Param would be a surprise.
      if (!is(v.value, Placeholder)) return null;
      name = v.value.name;
      encoder = v.encoder as Encoder;
    } else if (is(v, SQL) || is(v, Column)) return null;
    slots.names.push(name);
    slots.constants.push(name === null ? v : undefined);
    slots.encoders.push(encoder);
  }
  return slots;
}

function binder({ names, constants, encoders }: Slots): (values: Record<string, unknown>) => unknown[] {
  return (values) => {
    const out = new Array<unknown>(names.length);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name === null) out[i] = constants[i];
      else {
        const value = values[name];
        if (value === undefined && !(name in values)) throw new Error(`No value for placeholder "${name}" was provided`);
        const encoder = encoders[i];
        out[i] = encoder === null ? value : encoder.mapToDriverValue(value);
      }
    }
    return out;
  };
}

/** Decodes a raw row into drizzle's object, as its mapResultRow does for one level of fields. */
function rowMapper(fields: { path: string[]; field: unknown }[]): ((raw: unknown[]) => Record<string, unknown>) | null {
  const names: string[] = [];
  const decoders: (Decoder | null)[] = [];
  for (const { path, field } of fields) {
    if (path.length !== 1) return null;
    let decoder: Decoder;
    if (is(field, Column)) decoder = field as unknown as Decoder;
    // `decoder` is drizzle-internal (not in its types); mapResultRow reads it the same way.
    else if (is(field, SQL)) decoder = (field as unknown as { decoder: Decoder }).decoder;
    else if (is(field, SQL.Aliased)) decoder = (field.sql as unknown as { decoder: Decoder }).decoder;
    else return null;
    names.push(path[0]);
    // A column without its own decoding (plain integers and text) is passed through as stored.
    decoders.push(decoder.mapFromDriverValue === Column.prototype.mapFromDriverValue ? null : decoder);
  }
  return (raw) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const v = raw[i];
      const d = decoders[i];
      o[names[i]] = v === null || d === null ? v : d.mapFromDriverValue(v);
    }
    return o;
  };
}
