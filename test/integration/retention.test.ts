// KLAXON_RETENTION: delivered messages and finished timers older than it are deleted by the
// scheduler; incidents, timelines and whatever open incidents still need are kept.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { loadEnv } from '../../src/config/env.js';
import { actorFor } from '../../src/service/actor.js';
import { FakeClock } from '../../src/service/clock.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { incidents, outbox, processedEvents, timelineEvents, timers } from '../../src/store/tables.js';
import { testPolicy } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-04T10:00:00Z');

/** An app on a fresh database with the default 30-day retention, its clock at T0. */
function appWithRetention() {
  const policy = testPolicy({});
  const db = openDb(':memory:');
  const clock = new FakeClock(new Date(T0));
  const app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5, KLAXON_RETENTION: loadEnv({ KLAXON_RETENTION: '30d' }).KLAXON_RETENTION }, policy, db, clock });
  app.addAdapter(new RecordingAdapter('console'));
  return { policy, db, clock, app };
}

describe('retention', () => {
  it('deletes old delivered messages and finished timers of resolved incidents, keeps history and open incidents', async () => {
    const { policy, db, clock, app } = appWithRetention();
    const run = async (text: string) => expect((await app.service.run(actorFor(policy, 'console', 'alice'), text)).ok).toBe(true);
    await run('declare sev3 Old and done');
    await run('resolve #1 Fixed');
    await run('declare sev3 Still open');
    await db.update(outbox).set({ status: 'sent' });
    await app.service.firstDelivery('slack', 'Ev-old-retry');
    await app.service.firstDelivery('slack', 'pin:C1:1.0001');
    const before = { timeline: (await db.select().from(timelineEvents)).length, open: (await db.select().from(outbox)).filter((r) => r.incidentId === 2).map((r) => r.id) };
    expect((await db.select().from(outbox)).filter((r) => r.incidentId === 1).length).toBeGreaterThan(0);

    // 29 days on: nothing is old enough yet.
    clock.set(new Date(T0 + 29 * DAY));
    await app.step();
    expect((await db.select().from(outbox)).filter((r) => r.incidentId === 1).length).toBeGreaterThan(0);

    clock.set(new Date(T0 + 31 * DAY));
    await app.step();
    expect((await db.select().from(outbox)).filter((r) => r.incidentId === 1)).toEqual([]);
    expect((await db.select().from(timers)).filter((t) => t.incidentId === 1)).toEqual([]);
    // The open incident's messages stay (edits and reactions refer to them), and so does all history.
    expect(before.open.length).toBeGreaterThan(0);
    expect((await db.select().from(outbox)).filter((r) => before.open.includes(r.id)).map((r) => r.id)).toEqual(before.open);
    expect((await db.select().from(timelineEvents)).length).toBeGreaterThanOrEqual(before.timeline);
    expect((await db.select().from(incidents)).map((i) => i.id)).toEqual([1, 2]);
    // A platform retry's marker goes; a pin's marker stays, so a message is pinned once ever.
    expect((await db.select().from(processedEvents)).map((e) => e.eventId)).toEqual(['pin:C1:1.0001']);
    await app.stop();
    closeDb(db);
  });

  it('keeps an old message while an edit of it is still waiting or in flight', async () => {
    const { policy, db, clock, app } = appWithRetention();
    expect((await app.service.run(actorFor(policy, 'console', 'alice'), 'declare sev3 Old and done')).ok).toBe(true);
    expect((await app.service.run(actorFor(policy, 'console', 'alice'), 'resolve #1 Fixed')).ok).toBe(true);
    await db.update(outbox).set({ status: 'sent' });
    const [a, b, c] = (await db.select().from(outbox)).map((r) => r.id);
    // b edits a and is in flight (handed to the platform, answer not yet recorded); c is an edit still waiting.
    await db.update(outbox).set({ editOf: a, status: 'sending' }).where(eq(outbox.id, b));
    const [d] = (await db.select().from(outbox)).map((r) => r.id).filter((id) => id !== a && id !== b && id !== c);
    await db.update(outbox).set({ editOf: d ?? c, status: 'pending' }).where(eq(outbox.id, c));
    clock.set(new Date(T0 + 31 * DAY));
    await app.step();
    const left = (await db.select().from(outbox)).map((r) => r.id);
    expect(left).toContain(a);
    if (d !== undefined) expect(left).toContain(d);
    await app.stop();
    closeDb(db);
  });

  it('refuses a retention that is not a wall-clock duration of at least an hour', () => {
    expect(() => loadEnv({ KLAXON_RETENTION: '10m' })).toThrow(/^KLAXON_RETENTION: must be a wall-clock duration of at least 1h/);
    expect(() => loadEnv({ KLAXON_RETENTION: '3 business days' })).toThrow(/^KLAXON_RETENTION/);
    expect(loadEnv({}).KLAXON_RETENTION).toBe(30 * DAY);
  });
});
