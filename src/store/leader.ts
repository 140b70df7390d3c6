// Which replica leads: with several Klaxons on one PostgreSQL, exactly one runs the scheduler, the
// outbox dispatcher and the Discord gateway; any replica serves HTTP.
//
// Chosen: a session advisory lock held on a dedicated connection, rather than a lease row.
// - PostgreSQL itself releases the lock the moment the holder's session ends: a replica killed
//   (kill -9, OOM, machine gone with its TCP connection reset) is replaced at the standby's next
//   poll instead of after a whole lease.
// - A holder that stops talking (frozen VM, SIGSTOP, network cut) is ended by the server:
//   the lock connection sets `idle_session_timeout` to the lease, so an idle session past the lease
//   is terminated and its lock released. No clock of ours decides when another replica may start.
// - No table: nothing to migrate, nothing to clean up.
// - The fencing token is the lock session's backend pid: `leaderFence(token)` is a SQL condition
//   true only while that very session still holds the lock, so a write guarded by it (claiming
//   timers or outbox rows) cannot succeed once the server has let the lock go, even from a replica
//   that has not noticed yet.
//
// No overlap: this replica counts itself leader only until (send time of the last successful
// renewal) + lease − margin. The server cannot free the lock before that session has been idle
// for the lease, which starts after that renewal's answer, so the loss is always seen here first.
// `isLeader()` checks the deadline itself: a process that wakes from a freeze answers false (and
// runs onLose) before any of its callbacks can send.
import pg from 'pg';
import type { Logger } from 'pino';

export const DEFAULT_LEADER_LEASE_MS = 15_000;
import { LEADER_LOCK } from './fence.js';

export { LEADER_LOCK, leaderFence } from './fence.js';

export type LeadershipOptions = {
  /** Connection settings come from this pool; the lock is held on a connection of its own, outside it. */
  pool: pg.Pool;
  /** Names this replica in logs (host name, pod name). */
  replicaId: string;
  /** KLAXON_LEADER_LEASE: how long a silent leader keeps the lead; a standby takes over after at most this. */
  leaseMs?: number;
  /** How often the leader renews and a standby tries to take over. Default: a fifth of the lease. */
  renewMs?: number;
  /** Called when this replica becomes leader; `token` is its fencing token (see leaderFence). */
  onGain?: (token: number) => void;
  /** Called once when it stops being leader, before any other replica can become leader. */
  onLose?: (reason: string) => void;
  log?: Logger;
};

export type Leadership = {
  readonly replicaId: string;
  /** True while this replica leads. Checks the renewal deadline itself, so it is never stale. */
  isLeader(): boolean;
  /** The current term's fencing token while leader, else null. */
  fencingToken(): number | null;
  /** Gives the lead up (onLose runs) and stops contending. */
  stop(): Promise<void>;
};

const HELD = `select exists (select 1 from pg_locks where locktype = 'advisory' and granted and pid = pg_backend_pid()
  and database = (select oid from pg_database where datname = current_database())
  and classid = $1 and objid = $2 and objsubid = 2) as held`;

export function startLeadership(o: LeadershipOptions): Leadership {
  const leaseMs = o.leaseMs ?? DEFAULT_LEADER_LEASE_MS;
  const renewMs = o.renewMs ?? Math.max(50, Math.floor(leaseMs / 5));
  if (renewMs * 2 > leaseMs) throw new Error(`leader lease ${leaseMs} ms is too short for renewals every ${renewMs} ms`);
  // Room for the two machines' clocks running at slightly different rates over one lease.
  const validMs = leaseMs - Math.min(1000, leaseMs / 10);
  let conn: pg.Client | null = null;
  let token: number | null = null;
  // Both clocks: the monotonic one ignores wall-clock jumps, the wall one keeps counting across a
  // suspended VM; the lead ends when either says the deadline passed.
  let validUntil = { mono: 0, wall: 0 };
  let stopped = false;
  let loop: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const now = () => ({ mono: performance.now(), wall: Date.now() });
  const expired = () => {
    const t = now();
    return t.mono >= validUntil.mono || t.wall >= validUntil.wall;
  };

  function lose(reason: string): void {
    if (token === null) return;
    token = null;
    clearTimeout(watchdog);
    // Drop the session so the server frees the lock now rather than when its idle timeout ends it.
    dropConnection();
    o.log?.warn({ replica: o.replicaId, reason }, 'leadership lost');
    o.onLose?.(reason);
  }

  function dropConnection(): void {
    const c = conn;
    conn = null;
    if (!c) return;
    // Closing the socket ends the session at once; end() would wait behind a hung query.
    (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    c.end().catch(() => {});
  }

  function extend(sent: { mono: number; wall: number }): void {
    validUntil = { mono: sent.mono + validMs, wall: sent.wall + validMs };
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (token !== null && expired()) lose(`lease not renewed within ${leaseMs} ms`);
    }, Math.max(0, validUntil.mono - performance.now()) + 1);
    watchdog.unref?.();
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ ...(o.pool.options as pg.ClientConfig), connectionTimeoutMillis: leaseMs });
    c.on('error', (e) => {
      if (conn === c) {
        conn = null;
        lose(`database connection lost: ${e.message}`);
      }
    });
    await c.connect();
    // The server ends this session once it has been silent for a lease: a frozen leader's lock is freed.
    await c.query(`set idle_session_timeout = ${Math.ceil(leaseMs)}; set statement_timeout = ${Math.ceil(leaseMs)}`);
    return c;
  }

  async function step(): Promise<void> {
    try {
      conn ??= await connect();
      const c = conn;
      const sent = now();
      if (token === null) {
        const r = await c.query<{ got: boolean; pid: number }>('select pg_try_advisory_lock($1, $2) as got, pg_backend_pid() as pid', [...LEADER_LOCK]);
        if (stopped || conn !== c || !r.rows[0].got) return;
        token = r.rows[0].pid;
        extend(sent);
        o.log?.info({ replica: o.replicaId, token }, 'leadership gained');
        o.onGain?.(token);
      } else {
        const r = await c.query<{ held: boolean }>(HELD, [...LEADER_LOCK]);
        if (conn !== c || token === null) return;
        if (!r.rows[0].held) lose('the leader lock is no longer held');
        else if (expired()) lose(`lease not renewed within ${leaseMs} ms`);
        else extend(sent);
      }
    } catch (e) {
      if (token !== null) lose(`renewal failed: ${(e as Error).message}`);
      dropConnection();
    }
  }

  let current = Promise.resolve();
  function run(): void {
    if (stopped) return;
    current = step().then(() => {
      if (!stopped) loop = setTimeout(run, renewMs);
    });
  }
  run();

  return {
    replicaId: o.replicaId,
    isLeader() {
      if (token !== null && expired()) lose(`lease not renewed within ${leaseMs} ms`);
      return token !== null;
    },
    fencingToken() {
      return this.isLeader() ? token : null;
    },
    async stop() {
      stopped = true;
      clearTimeout(loop);
      await current;
      lose('stopped');
      dropConnection();
    },
  };
}
