// The scheduler loop of a running app: a failing step never ends it, and firing timers never waits
// for Slack or Discord to answer.
import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { actorFor } from '../../src/service/actor.js';
import { FakeClock } from '../../src/service/clock.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { pageNotifications } from '../../src/store/schema.js';
import { testPolicy } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { waitFor } from '../helpers/wait.js';

const T0 = '2026-03-04T10:00:00Z';
const MINUTE = 60_000;

/** A clock that can be told to fail once, the way a tick throws synchronously on a bad read. */
class FlakyClock extends FakeClock {
  failNext = false;
  override now(): Date {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('injected: tick threw synchronously');
    }
    return super.now();
  }
}

let app: KlaxonApp | undefined;
afterEach(async () => {
  await app?.stop();
  if (app) closeDb(app.opts.db);
  app = undefined;
});

function start(clock: FakeClock, adapter?: RecordingAdapter) {
  const policy = testPolicy({});
  const db = openDb(':memory:');
  app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 0.05 }, policy, db, clock });
  if (adapter) app.addAdapter(adapter);
  const notified = async () => (await db.select().from(pageNotifications).orderBy(asc(pageNotifications.id))).map((n) => n.person);
  return { app, policy, notified, declare: () => app!.service.run(actorFor(policy, 'console', 'bob'), 'declare sev1 Checkout down') };
}

describe('the scheduler loop', () => {
  it('keeps running after a step throws synchronously: the next step fires the tier', async () => {
    const clock = new FlakyClock(T0);
    const k = start(clock);
    await k.app.start({ http: false });
    expect((await k.declare()).ok).toBe(true);
    clock.set(new Date(Date.parse(T0) + 15 * MINUTE));
    clock.failNext = true;
    await waitFor(() => !clock.failNext, 'the failing step', 10_000);
    await waitFor(async () => (await k.notified()).length === 2, 'tier 2 after the failed step', 10_000);
    expect(await k.notified()).toEqual(['carol', 'alice']);
  });

  it('fires escalations while the platform has not answered the first page yet', async () => {
    const clock = new FakeClock(T0);
    const slack = new RecordingAdapter('slack');
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    slack.latency = () => hung;
    const k = start(clock, slack);
    await k.app.start({ http: false });
    expect((await k.declare()).ok).toBe(true);
    // One tier at a time: each is fired by a later step than the one that found delivery hung.
    clock.set(new Date(Date.parse(T0) + 15 * MINUTE));
    await waitFor(async () => (await k.notified()).length === 2, 'tier 2 while delivery hangs', 10_000);
    clock.set(new Date(Date.parse(T0) + 30 * MINUTE));
    await waitFor(async () => (await k.notified()).length === 3, 'tier 3 while delivery hangs', 10_000);
    expect(await k.notified()).toEqual(['carol', 'alice', 'erin']);
    expect(slack.calls).toEqual([]);
    release();
    await waitFor(() => slack.calls.some((c) => c.channel === 'D-U01ERIN'), 'delivery after the platform answers', 10_000);
  });
});
