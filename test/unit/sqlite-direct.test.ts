import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeDb, openDb, type Db } from '../../src/store/db.js';
import { prepared } from '../../src/store/prepared.js';
import { incidents, timelineEvents, timers } from '../../src/store/schema.js';

const p = (name: string) => sql.placeholder(name);
const AT = new Date('2026-03-04T10:00:00.123Z');

function seeded(): Db {
  const db = openDb(':memory:');
  db.insert(incidents)
    .values([
      { title: 'Checkout errors', severity: 'sev1', status: 'investigating', declaredAt: AT, declaredBy: 'alice', lastUpdateAt: AT, labels: { kind: 'security' }, components: ['API', 'Web'] },
      { title: 'Search slow', severity: 'sev3', status: 'resolved', declaredAt: AT, declaredBy: 'bob', lastUpdateAt: AT, resolvedAt: new Date(AT.getTime() + 60_000) },
    ])
    .run();
  db.insert(timelineEvents).values({ incidentId: 1, at: AT, kind: 'update', actor: 'alice', text: 'Rolling back', public: true }).run();
  return db;
}

describe('prepared queries on SQLite (sqlite-direct.ts)', () => {
  it('read rows exactly as drizzle maps them: dates, JSON, booleans and NULLs', async () => {
    const db = seeded();
    // The same query twice: once through prepared() (precompiled), once as drizzle runs it.
    const build = (tx: Db) => tx.select().from(incidents).where(eq(incidents.severity, p('sev'))).prepare();
    const fast = prepared((tx) => build(tx as Db))(db);
    const plain = build(db);
    expect(Object.hasOwn(fast, 'execute')).toBe(true);
    for (const sev of ['sev1', 'sev3', 'sev2']) expect(await fast.execute({ sev })).toEqual(await plain.execute({ sev }));
    const [row] = await fast.execute({ sev: 'sev1' });
    expect(row.declaredAt).toEqual(AT);
    expect(row.labels).toEqual({ kind: 'security' });
    expect(row.components).toEqual(['API', 'Web']);
    expect(row.resolvedAt).toBeNull();

    const events = (tx: Db) => tx.select({ id: timelineEvents.id, public: timelineEvents.public, at: timelineEvents.at, n: sql<number>`count(*) over ()`.mapWith(Number) }).from(timelineEvents).prepare();
    const fastEvents = await prepared((tx) => events(tx as Db))(db).execute();
    expect(fastEvents).toEqual(await events(db).execute());
    expect(fastEvents[0]).toEqual({ id: 1, public: true, at: AT, n: 1 });
    closeDb(db);
  });

  it('bind placeholders through each column’s encoder (a Date becomes epoch milliseconds)', async () => {
    const db = seeded();
    const insert = prepared((tx) => tx.insert(timers).values({ kind: p('kind'), dueAt: p('dueAt'), incidentId: p('incidentId'), createdAt: p('createdAt') }).prepare())(db);
    const r = (await insert.execute({ kind: 'nudge', dueAt: new Date(AT.getTime() + 1000), incidentId: 1, createdAt: AT })) as { changes: number };
    expect(r.changes).toBe(1);
    expect(db.$client.prepare('select due_at, created_at from timers').raw().get()).toEqual([AT.getTime() + 1000, AT.getTime()]);
    const cancel = prepared((tx) => tx.update(timers).set({ status: 'cancelled' }).where(and(eq(timers.incidentId, p('id')), eq(timers.status, 'pending'))).prepare())(db);
    expect(((await cancel.execute({ id: 1 })) as { changes: number }).changes).toBe(1);
    expect(((await cancel.execute({ id: 1 })) as { changes: number }).changes).toBe(0);
    await expect(async () => await cancel.execute({})).rejects.toThrow('No value for placeholder "id"');
    closeDb(db);
  });

  it('keeps a statement’s rows right when another user of the cached statement changed its mode', async () => {
    const db = seeded();
    const q = prepared((tx) => tx.select({ id: incidents.id, title: incidents.title }).from(incidents).where(eq(incidents.id, p('id'))).prepare())(db);
    // The statement cache hands the same compiled statement to anyone preparing the same SQL.
    const sqlText = 'select "id", "title" from "incidents" where "incidents"."id" = ?';
    db.$client.prepare(sqlText).pluck(true);
    expect(await q.execute({ id: 2 })).toEqual([{ id: 2, title: 'Search slow' }]);
    expect(db.$client.prepare(sqlText).get(2)).toEqual({ id: 2, title: 'Search slow' });
    closeDb(db);
  });
});
