import { describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../src/store/db.js';

describe('statement cache', () => {
  it('hands out one compiled statement per SQL text, in its default mode each time', () => {
    const db = openDb(':memory:');
    const c = db.$client;
    c.exec("insert into settings (key, value, updated_at) values ('automation', 'on', 0)");
    const sql = 'select key, value from settings';
    const first = c.prepare(sql);
    expect(first.raw().get()).toEqual(['automation', 'on']);
    const again = c.prepare(sql);
    expect(again).toBe(first);
    // The raw mode the last user left must not leak into the next caller's rows.
    expect(again.get()).toEqual({ key: 'automation', value: 'on' });
    expect(c.prepare(sql).pluck().get()).toBe('automation');
    expect(c.prepare(sql).get()).toEqual({ key: 'automation', value: 'on' });
    closeDb(db);
  });

  it('keeps drizzle queries correct across modes and schema changes', () => {
    const db = openDb(':memory:');
    const c = db.$client;
    for (let i = 0; i < 3; i++) c.prepare("insert into settings (key, value, updated_at) values (?, 'x', 0)").run(`k${i}`);
    expect(c.prepare('select count(*) from settings').pluck().get()).toBe(3);
    expect(Object.keys(c.prepare('select * from settings').get() as object)).not.toContain('note');
    c.exec('alter table settings add column note text');
    // SQLite re-prepares a cached statement after a schema change: the new column shows.
    expect(Object.keys(c.prepare('select * from settings').get() as object)).toContain('note');
    closeDb(db);
  });
});
