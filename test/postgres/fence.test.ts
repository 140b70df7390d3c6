// The fence on PostgreSQL: a replica whose leader term has ended claims nothing, even before it
// notices. Its timer claims (the scheduler) and outbox marks (the dispatcher) carry the term's
// token, and the database refuses them once that lock session is gone; the new leader's go through.
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { Dispatcher } from '../../src/scheduler/dispatcher.js';
import { tick } from '../../src/scheduler/tick.js';
import { actorFor } from '../../src/service/actor.js';
import { FakeClock } from '../../src/service/clock.js';
import { Service } from '../../src/service/service.js';
import { startLeadership, type Leadership } from '../../src/store/leader.js';
import { openStore, type Store } from '../../src/store/open.js';
import { outbox, timers } from '../../src/store/tables.js';
import { usePostgres } from '../helpers/postgres.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { waitFor } from '../helpers/wait.js';

const MINUTE = 60_000;
const db = usePostgres();
let store: Store;
let admin: pg.Pool;
const leaders: Leadership[] = [];

beforeAll(async () => {
  store = await openStore({ url: db.url, path: 'unused' });
  admin = new pg.Pool({ connectionString: db.url, max: 1 });
});
afterAll(async () => {
  await Promise.all(leaders.map((l) => l.stop()));
  await admin.end();
  await store.close();
});

async function lead(id: string): Promise<Leadership> {
  const l = startLeadership({ pool: store.pool!, replicaId: id, leaseMs: 2000, renewMs: 200 });
  leaders.push(l);
  await waitFor(() => l.isLeader(), `${id} to lead`, 10_000);
  return l;
}

describe('fencing tokens on PostgreSQL', () => {
  it('after the lock session ends, the old term claims no timer and marks no message; the new term does both', async () => {
    const policy = loadPolicy('examples/policies/default.yaml');
    const clock = new FakeClock('2026-03-04T10:00:00Z');
    const old = await lead('old');
    const stale = old.fencingToken()!;
    // The old leader, as it would act before noticing: it still offers its term's token.
    const deposed = new Service({ db: store.db, policy, clock, platforms: ['slack'], log: createLogger('silent'), fence: () => stale });
    await deposed.run(actorFor(policy, 'console', 'bob'), 'declare sev1 Checkout down');
    const pending = async () => (await store.db.select().from(timers).where(eq(timers.status, 'pending'))).length;
    const before = await pending();
    expect(before).toBeGreaterThan(0);

    // Its lock session ends (the server timed it out, the connection was cut); another replica leads.
    await admin.query('select pg_terminate_backend($1)', [stale]);
    await old.stop();
    const next = await lead('next');
    clock.advance(20 * MINUTE);

    expect(await tick(deposed)).toBe(0);
    expect(await pending()).toBe(before);
    const slack = new RecordingAdapter('slack');
    const quiet = new Dispatcher(store.db, policy, new Map([['slack', slack]]), clock, createLogger('silent'), {}, { fence: () => stale });
    await quiet.dispatch();
    expect(slack.calls).toEqual([]);
    expect((await store.db.select().from(outbox).where(eq(outbox.status, 'sending'))).length).toBe(0);

    const leader = new Service({ db: store.db, policy, clock, platforms: ['slack'], log: createLogger('silent'), fence: () => next.fencingToken() });
    expect(await tick(leader)).toBeGreaterThan(0);
    expect(await pending()).toBeLessThan(before);
    const live = new Dispatcher(store.db, policy, new Map([['slack', slack]]), clock, createLogger('silent'), {}, { fence: () => next.fencingToken() });
    await live.dispatch();
    expect(slack.calls.filter((c) => c.op === 'post').length).toBeGreaterThan(0);
  }, 60_000);
});
