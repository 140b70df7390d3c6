// Replicas (several Klaxons on one PostgreSQL): only the leader fires timers, delivers the outbox and
// holds the platform sessions one client at a time may have; every replica serves HTTP. Here on
// SQLite with a leadership this test controls, so each gain and loss happens exactly where wanted
// (test/postgres/failover.test.ts runs the real thing: two processes, a real election).
import { and, eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { mountHttp } from '../../src/http/routes.js';
import { actorFor } from '../../src/service/actor.js';
import { FakeClock } from '../../src/service/clock.js';
import type { Connection } from '../../src/service/port.js';
import { closeDb, openDb } from '../../src/store/db.js';
import type { Leadership } from '../../src/store/leader.js';
import { outbox, timers } from '../../src/store/schema.js';
import { testPolicy } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';

const T0 = '2026-03-04T10:00:00Z';
const MINUTE = 60_000;

/** A leadership whose answer the test sets; like the real one, the app hears of changes through leadershipChanged(). */
function fakeLeadership(replicaId: string) {
  let leader = false;
  const l: Leadership & { set(v: boolean): void } = {
    replicaId,
    isLeader: () => leader,
    fencingToken: () => (leader ? 1 : null),
    stop: async () => undefined,
    set: (v) => void (leader = v),
  };
  return l;
}

/** A platform session only the leader may hold (Discord's gateway, Slack's Socket Mode). */
function gateway() {
  const log: string[] = [];
  const c: Connection = {
    leaderOnly: true,
    start: async () => void log.push('start'),
    stop: async () => void log.push('stop'),
    state: () => 'connected',
  };
  return { c, log };
}

let app: KlaxonApp | undefined;
afterEach(async () => {
  await app?.stop();
  if (app) closeDb(app.opts.db);
  app = undefined;
});

async function replica() {
  const policy = testPolicy({});
  const db = openDb(':memory:');
  const clock = new FakeClock(T0);
  const lead = fakeLeadership('replica-a');
  const platform = new RecordingAdapter('slack');
  const gw = gateway();
  const wakeUps: string[] = [];
  app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5 }, policy, db, clock, leadership: lead, secrets: {}, wakeLeader: () => void wakeUps.push('wake') });
  app.addAdapter(platform, gw.c);
  mountHttp(app.httpDeps());
  await app.start({ loop: false });
  const a = app;
  const base = `http://127.0.0.1:${a.port}`;
  return {
    app: a,
    db,
    clock,
    lead,
    platform,
    gw,
    wakeUps,
    run: async (text: string) => expect((await a.service.run(actorFor(policy, 'console', 'bob'), text)).ok).toBe(true),
    waiting: async () => (await db.select().from(outbox).where(inArray(outbox.status, ['pending', 'sending']))).length,
    escalations: async (status: 'pending' | 'done') => (await db.select().from(timers).where(and(eq(timers.kind, 'escalate'), eq(timers.status, status)))).length,
    healthz: async () => (await fetch(`${base}/healthz`)).json() as Promise<Record<string, unknown>>,
    readyz: () => fetch(`${base}/readyz`),
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
  };
}

describe('leader gating (one leader among replicas)', () => {
  it('a standby serves commands but fires no timer and delivers nothing; on gaining the lead it does both', async () => {
    const r = await replica();
    await r.run('declare sev1 Checkout down');
    // The standby told the leader it queued a page, rather than leaving it to the leader's next step.
    expect(r.wakeUps.length).toBeGreaterThan(0);
    r.clock.advance(16 * MINUTE);
    // A step and a delivery pass, awaited: on a standby both are no-ops.
    await r.app.tick();
    expect(r.platform.calls).toEqual([]);
    expect(await r.waiting()).toBeGreaterThan(0);
    expect(await r.escalations('done')).toBe(0);
    expect(r.gw.log).toEqual([]);

    // What a load balancer and a dashboard see of a standby: ready (it serves HTTP), not leading,
    // the gateway left to the leader, and no database-derived series (the leader exports those).
    expect(await r.healthz()).toMatchObject({ replica: 'replica-a', leader: false, adapters: { slack: 'standby (the leader holds the connection)' } });
    expect((await r.readyz()).status).toBe(200);
    const standbyMetrics = await r.metrics();
    expect(standbyMetrics).toContain('klaxon_leader{replica="replica-a"} 0');
    expect(standbyMetrics).not.toMatch(/^klaxon_pages_total/m);
    expect(standbyMetrics).toMatch(/^klaxon_db_up 1/m);

    r.lead.set(true);
    await r.app.leadershipChanged();
    // The escalation due 1 minute ago fired (tier 2: alice), everything waiting went out (tier 1:
    // carol), and the gateway opened.
    expect(await r.escalations('done')).toBe(1);
    expect(await r.waiting()).toBe(0);
    expect(r.platform.calls.filter((c) => c.op === 'post' && c.channel.startsWith('D-')).map((c) => c.channel)).toEqual(expect.arrayContaining(['D-U01CAROL', 'D-U01ALICE']));
    expect(r.gw.log).toEqual(['start']);
    expect(await r.healthz()).toMatchObject({ replica: 'replica-a', leader: true, adapters: { slack: 'connected' } });
    const leaderMetrics = await r.metrics();
    expect(leaderMetrics).toContain('klaxon_leader{replica="replica-a"} 1');
    expect(leaderMetrics).toMatch(/^klaxon_pages_total\{severity="sev1"\} 1/m);
  });

  it('on losing the lead nothing more is handed to the platform, even the rest of a delivery pass under way', async () => {
    const r = await replica();
    r.lead.set(true);
    await r.app.leadershipChanged();
    // The platform holds the first call until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inCall = new Promise<void>((resolve) => (entered = resolve));
    r.platform.latency = async () => {
      entered();
      await held;
    };
    await r.run('declare sev1 Checkout down');
    // The commit started a delivery pass: its first call is now with the platform.
    await inCall;
    r.lead.set(false);
    await r.app.leadershipChanged();
    expect(r.gw.log).toEqual(['start', 'stop']);
    release();
    // Waits for the pass under way to end (a dispatch joins the running pass).
    await r.app.dispatcher.dispatch();
    expect(r.platform.calls).toHaveLength(1);
    expect(await r.waiting()).toBeGreaterThan(1);

    // Later steps and commits on this replica neither fire timers nor deliver.
    r.clock.advance(16 * MINUTE);
    await r.run('declare sev2 Search slow');
    await r.app.tick();
    expect(r.platform.calls).toHaveLength(1);
    expect(await r.escalations('done')).toBe(0);
  });

  it('a replica whose lease ran out sends nothing even before it has been told (a process waking from a freeze)', async () => {
    const r = await replica();
    r.lead.set(true);
    await r.app.leadershipChanged();
    await r.run('declare sev1 Checkout down');
    await r.app.dispatcher.dispatch();
    const before = r.platform.calls.length;
    expect(before).toBeGreaterThan(0);
    // isLeader() answers false (the lease deadline passed) but onLose has not run yet.
    r.lead.set(false);
    await r.run('declare sev2 Search slow');
    await r.app.dispatcher.dispatch();
    expect(r.platform.calls).toHaveLength(before);
    expect(await r.waiting()).toBeGreaterThan(0);
  });
});
