// The scheduler loop wakes at the earliest due timer, not at the next poll: with a one-hour
// KLAXON_TICK_SECONDS an escalation still fires as soon as it is due (escalation.test.ts covers a
// failing timer set aside while the rest of its batch fires).
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { actorFor } from '../../src/service/actor.js';
import type { Clock } from '../../src/service/clock.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { pageNotifications, timers } from '../../src/store/tables.js';
import { testPolicy } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';

const T0 = Date.parse('2026-03-04T10:00:00Z');
const MINUTE = 60_000;

/** A clock that runs at real speed from a chosen instant, and can be moved. */
class RunningClock implements Clock {
  private offset: number;
  constructor(at: number) {
    this.offset = at - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  set(at: number): void {
    this.offset = at - Date.now();
  }
}

let app: KlaxonApp | undefined;
afterEach(async () => {
  await app?.stop();
  if (app) closeDb(app.opts.db);
  app = undefined;
});

describe('precise wake-up', () => {
  it('fires an escalation when it falls due although the polling interval is an hour', async () => {
    const clock = new RunningClock(T0);
    const policy = testPolicy({});
    const db = openDb(':memory:');
    app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 3600 }, policy, db, clock });
    await app.start({ http: false });
    const run = (text: string) => app!.service.run(actorFor(policy, 'console', 'bob'), text);
    expect((await run('declare sev1 Checkout down')).ok).toBe(true);
    const notified = async () => (await db.select().from(pageNotifications).orderBy(asc(pageNotifications.id))).map((n) => n.person);
    expect(await notified()).toEqual(['carol']);
    // Just before tier 2 (+15m); the next commit makes the loop look at the timers again.
    clock.set(T0 + 15 * MINUTE - 200);
    expect((await run('declare sev3 Search slow')).ok).toBe(true);
    await waitFor(async () => (await notified()).length === 2, 'tier 2 at its due time', 20_000);
    expect(await notified()).toEqual(['carol', 'alice']);
    const fired = (await db.select().from(timers).where(eq(timers.kind, 'escalate'))).find((t) => t.status === 'done')!;
    // Fired at its due time, not at the next hourly poll.
    expect(fired.firedAt!.getTime() - fired.dueAt.getTime()).toBeLessThan(30 * MINUTE);
  });
});
