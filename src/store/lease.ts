// One writer per database file. Two Klaxons on one SQLite file (a rolling deploy, a second
// container, `npm start` twice) would both fire timers and both deliver the outbox: pages doubled.
// A lease row with a heartbeat, rather than an OS file lock, because it names its holder (the
// refusal says which process to stop) and works where file locks are unreliable (network mounts).
// A holder on this host whose process is gone (kill -9) is taken over at once; a holder on another
// host is taken over once its heartbeat is older than the TTL.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { leases } from './schema.js';

export const LEASE_TTL_MS = 30_000;
export const HEARTBEAT_MS = 5_000;
const WRITER = 'writer';

export class LeaseHeldError extends Error {}

export type Lease = {
  readonly holder: string;
  /** Refreshes the heartbeat; false when another process has taken the lease over. */
  heartbeat(): boolean;
  release(): void;
};

type Row = typeof leases.$inferSelect;

/** `pid` stands in for this process's PID in tests, where both holders share one process. */
export function acquireWriterLease(db: Db, clock: { now(): Date }, o: { path: string; ttlMs?: number; pid?: number } = { path: 'the database' }): Lease {
  const ttl = o.ttlMs ?? LEASE_TTL_MS;
  const me = { holder: randomUUID(), pid: o.pid ?? process.pid, host: hostname() };
  db.transaction(
    (tx) => {
      const now = clock.now();
      const held = tx.select().from(leases).where(eq(leases.name, WRITER)).get();
      if (held && isLive(held, me.pid, now.getTime(), ttl)) throw new LeaseHeldError(refusal(o.path, held, now.getTime(), ttl));
      tx.insert(leases)
        .values({ name: WRITER, ...me, startedAt: now, heartbeatAt: now })
        .onConflictDoUpdate({ target: leases.name, set: { ...me, startedAt: now, heartbeatAt: now } })
        .run();
    },
    { behavior: 'immediate' },
  );
  const mine = and(eq(leases.name, WRITER), eq(leases.holder, me.holder));
  return {
    holder: me.holder,
    heartbeat() {
      const r = db.update(leases).set({ heartbeatAt: clock.now() }).where(mine).run();
      return r.changes === 1;
    },
    release() {
      db.delete(leases).where(mine).run();
    },
  };
}

function isLive(held: Row, myPid: number, now: number, ttl: number): boolean {
  if (held.host === hostname()) {
    // Our own PID in the row is an earlier life of this container (PID 1 again), not a rival.
    if (held.pid === myPid) return false;
    return processExists(held.pid);
  }
  return now - held.heartbeatAt.getTime() < ttl;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refusal(path: string, held: Row, now: number, ttl: number): string {
  const ago = Math.max(0, Math.round((now - held.heartbeatAt.getTime()) / 1000));
  const wait = held.host === hostname() ? 'stop it first' : `stop it first, or wait ${Math.ceil(ttl / 1000)}s after it is gone`;
  return `${path} is in use by another Klaxon (pid ${held.pid} on ${held.host}, since ${held.startedAt.toISOString()}, heartbeat ${ago}s ago): ${wait}.`;
}
