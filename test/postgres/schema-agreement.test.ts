// The two schemas cannot drift: src/store/schema.ts (SQLite) and src/store/schema-pg.ts
// (PostgreSQL) declare the same tables, columns, nullability, keys and indexes, and so do the
// databases their migrations build (SQLite's migrations applied in memory, PostgreSQL's applied
// to a real server). A column added to one schema only fails here, naming it.
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../src/store/db.js';
import { migratePg, openPgPool } from '../../src/store/pg.js';
import * as pgSchema from '../../src/store/schema-pg.js';
import * as sqliteSchema from '../../src/store/schema.js';
import { pgMigrationsFolder } from '../helpers/pg-migrations.js';
import { usePostgres } from '../helpers/postgres.js';

const pgdb = usePostgres();

type Shape = Record<string, { columns: string[]; primaryKey: string[]; indexes: string[] }>;

/** Index text both dialects agree on: name, unique or not, columns, and the WHERE of a partial one. */
function indexLine(name: string, unique: boolean, columns: string[], where: string | null): string {
  const w = where
    ?.toLowerCase()
    .replace(/::text/g, '')
    .replace(/~~/g, 'like')
    .replace(/"[a-z_]+"\./g, '')
    .replace(/[()"]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return `${unique ? 'unique ' : ''}${name} (${columns.join(', ')})${w ? ` where ${w}` : ''}`;
}

/** The tables a schema module declares, read through its dialect's getTableConfig (same fields on both). */
type Config = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;
function declared(tables: unknown[], config: (t: never) => Config): Shape {
  const out: Shape = {};
  for (const t of tables) {
    const c = config(t as never);
    const cols = c.columns as { name: string; notNull: boolean; primary: boolean }[];
    const pks = c.primaryKeys as { columns: { name: string }[] }[];
    const idx = c.indexes as { config: { name?: string; unique?: boolean; columns: unknown[]; where?: unknown } }[];
    out[c.name] = {
      columns: cols.map((col) => `${col.name}${col.notNull ? ' not null' : ''}`).sort(),
      primaryKey: pks.length ? pks[0].columns.map((x) => x.name) : cols.filter((x) => x.primary).map((x) => x.name),
      indexes: idx.map((i) => indexLine(i.config.name!, Boolean(i.config.unique), i.config.columns.map((x) => (x as { name: string }).name), i.config.where ? 'partial' : null)).sort(),
    };
  }
  return out;
}
const declaredSqlite = () => declared((Object.values(sqliteSchema) as unknown[]).filter((v) => is(v, SQLiteTable)), sqliteConfig);
const declaredPg = () => declared((Object.values(pgSchema) as unknown[]).filter((v) => is(v, PgTable)), pgConfig);

/** What SQLite's migrations actually built. */
function builtSqlite(): Shape {
  const db = openDb(':memory:');
  try {
    const q = <T>(s: string) => db.$client.prepare(s).all() as T[];
    const out: Shape = {};
    for (const { name } of q<{ name: string }>(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name`)) {
      const cols = q<{ name: string; notnull: number; pk: number }>(`pragma table_info("${name}")`);
      const indexes = q<{ name: string; unique: number; origin: string; partial: number }>(`pragma index_list("${name}")`)
        .filter((i) => i.origin === 'c')
        .map((i) => {
          const columns = q<{ name: string }>(`pragma index_info("${i.name}")`).map((x) => x.name);
          const sql = (db.$client.prepare(`select sql from sqlite_master where type = 'index' and name = ?`).get(i.name) as { sql: string }).sql;
          const where = /\swhere\s([\s\S]*)$/i.exec(sql)?.[1] ?? null;
          return indexLine(i.name, i.unique === 1, columns, where);
        });
      out[name] = {
        // SQLite allows NULL in a text primary key; PostgreSQL never does: a key column is not null on both.
        columns: cols.map((c) => `${c.name}${c.notnull || c.pk ? ' not null' : ''}`).sort(),
        primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        indexes: indexes.sort(),
      };
    }
    return out;
  } finally {
    closeDb(db);
  }
}

/** What PostgreSQL's migrations actually built. */
async function builtPg(url: string): Promise<Shape> {
  const pool = openPgPool(url);
  try {
    await migratePg(pool, { migrationsFolder: pgMigrationsFolder() });
    const q = async <T>(s: string, p: unknown[] = []) => (await pool.query(s, p)).rows as T[];
    const out: Shape = {};
    for (const { name } of await q<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`)) {
      const cols = await q<{ name: string; nullable: string }>(`select column_name as name, is_nullable as nullable from information_schema.columns where table_schema = 'public' and table_name = $1`, [name]);
      const pk = await q<{ name: string }>(
        `select a.attname as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
         where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`,
        [`public."${name}"`],
      );
      const idx = await q<{ name: string; def: string }>(
        `select c.relname as name, pg_get_indexdef(i.indexrelid) as def from pg_index i join pg_class c on c.oid = i.indexrelid
         where i.indrelid = $1::regclass and not i.indisprimary`,
        [`public."${name}"`],
      );
      out[name] = {
        columns: cols.map((c) => `${c.name}${c.nullable === 'NO' ? ' not null' : ''}`).sort(),
        primaryKey: pk.map((c) => c.name),
        indexes: idx
          .map((i) => {
            const m = /^CREATE (UNIQUE )?INDEX \S+ ON \S+ USING btree \(([^)]*)\)(?: WHERE (.*))?$/.exec(i.def);
            if (!m) throw new Error(`unexpected index definition: ${i.def}`);
            return indexLine(i.name, Boolean(m[1]), m[2].split(',').map((s) => s.trim().replace(/"/g, '')), m[3] ?? null);
          })
          .sort(),
      };
    }
    return out;
  } finally {
    await pool.end();
  }
}

describe('the SQLite and PostgreSQL schemas agree', () => {
  it('as declared: same tables, columns, nullability, primary keys and indexes', () => {
    // SQLite text primary keys may hold NULL; PostgreSQL's never do. Compare keys as not null on both.
    const sqlite = declaredSqlite();
    for (const t of Object.values(sqlite)) t.columns = t.columns.map((c) => (t.primaryKey.includes(c) ? `${c} not null` : c));
    expect(declaredPg()).toEqual(sqlite);
  });

  it('as built by their migrations, including the WHERE of partial indexes', async () => {
    const [sqlite, postgres] = [builtSqlite(), await builtPg(pgdb.url)];
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    expect(postgres).toEqual(sqlite);
    expect(postgres.incidents.indexes).toContain("unique incidents_open_source_link (source_link) where status <> 'resolved' and source_link is not null");
  });
});
