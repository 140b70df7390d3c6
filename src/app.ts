// Wires one running Klaxon: service, outbox dispatcher, scheduler loop, HTTP listener, adapters.
import type { Logger } from 'pino';
import type { ChatAdapter, Connection, Platform } from './service/port.js';
import type { Env } from './config/env.js';
import type { Policy } from './config/policy/index.js';
import { createLogger } from './log.js';
import { bootstrapTimers, earliestDue, tickDetailed } from './scheduler/tick.js';
import { dialect } from './store/tables.js';
import { Dispatcher, type DispatchEvents } from './scheduler/dispatcher.js';
import { type Clock, systemClock } from './service/clock.js';
import { Service } from './service/service.js';
import type { Db } from './store/db.js';
import type { HttpDeps } from './http/deps.js';
import { HttpServer } from './http/server.js';
import { pruneOnce, PRUNE_BATCH } from './store/retention.js';
import { warmStats } from './service/stats-report.js';
import type { Leadership } from './store/leader.js';
import { defaultReplicaId } from './config/replica.js';

const DEFAULT_RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/** How soon a step retries a timer still due after the last step (it met a passing DB failure). */
const RETRY_WAIT_MS = 250;
const JUST_DUE_MS = 50;

export type AppOptions = {
  env: Pick<Env, 'HOST' | 'PORT' | 'KLAXON_TICK_SECONDS'> & Partial<Env>;
  policy: Policy;
  db: Db;
  clock?: Clock;
  log?: Logger;
  events?: DispatchEvents;
  /** Where the variables the policy names (integration tokens) are read; process.env when left out. */
  secrets?: NodeJS.ProcessEnv;
  /**
   * Several replicas on one PostgreSQL: only the leader runs the scheduler, the outbox dispatcher,
   * retention and the platform connections one client at a time may hold (Discord's gateway, Slack's
   * Socket Mode); every replica serves HTTP. Call leadershipChanged() from its onGain and onLose.
   * Left out (SQLite, one process): this process does everything, as always.
   */
  leadership?: Leadership;
  /**
   * With replicas: tells the leader that this standby queued messages or timers (a NOTIFY), so it
   * delivers now rather than at its next step. Called after such a commit on a standby.
   */
  wakeLeader?: () => void;
  /** Names this process in /healthz and /metrics; the leadership's, else KLAXON_REPLICA_ID or host-pid. */
  replicaId?: string;
};

export class KlaxonApp {
  readonly service: Service;
  readonly dispatcher: Dispatcher;
  readonly http: HttpServer;
  readonly adapters = new Map<Platform, ChatAdapter>();
  readonly connections = new Map<Platform, Connection>();
  readonly log: Logger;
  readonly clock: Clock;
  /** Outbox delivery hooks, shared with the dispatcher so /metrics can add its counters after construction. */
  readonly events: DispatchEvents;
  private readonly platforms: Platform[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** performance.now() at which the pending step is due. */
  private wakeAt = 0;
  private nextPruneAt = 0;
  private pending: NodeJS.Immediate | null = null;
  private stopping = false;
  /** Whether the leader's work (scheduler loop, dispatcher, leader-only connections) is running here. */
  private leading = false;
  /** Bumped at each gain and loss of the lead: a scheduler chain from an earlier term ends itself. */
  private term = 0;
  private loop = true;
  private started = false;
  /** Leadership changes, applied one at a time in order (each may await the database). */
  private changes: Promise<void> = Promise.resolve();
  /** Caches filled in the background at start (deps.warmUp), in the order they were registered. */
  private readonly warmUps: { name: string; run: () => Promise<void>; leader: boolean }[] = [];
  /** The warm-ups queued so far, one after another. */
  private warming: Promise<void> = Promise.resolve();
  readonly replicaId: string;
  /** When the scheduler last completed a step, and why the last one did not (for /readyz). */
  lastTickAt: Date | null = null;
  lastTickError: string | null = null;
  port = 0;

  constructor(readonly opts: AppOptions) {
    this.log = opts.log ?? createLogger('silent');
    this.clock = opts.clock ?? systemClock;
    const lead = opts.leadership;
    // On PostgreSQL every claim of a timer or an outbox row also checks, in the database, that this
    // replica's term still holds (store/fence.ts): a leader that lost the lock claims nothing.
    const fence = lead && dialect() === 'postgres' ? () => lead.fencingToken() : undefined;
    this.service = new Service({
      db: opts.db,
      policy: opts.policy,
      clock: this.clock,
      platforms: this.platforms,
      log: this.log,
      onCommit: () => this.kick(),
      fence,
    });
    this.events = { ...opts.events };
    this.replicaId = lead?.replicaId ?? defaultReplicaId(opts.replicaId ?? opts.env.KLAXON_REPLICA_ID);
    // Checked right before every platform call: a replica that lost the lead (or has just woken from
    // a freeze past its lease, which isLeader() notices by itself) hands nothing more to a platform.
    this.dispatcher = new Dispatcher(opts.db, opts.policy, this.adapters, this.clock, this.log, this.events, lead ? { mayDeliver: () => lead.isLeader(), fence } : {});
    this.http = new HttpServer(this.log);
    // `stats` keeps the sums of settled history; summing a long one first, a block per turn,
    // spares the first `stats` in chat from doing it all at once (service/stats-report.ts).
    this.warmUps.push({ name: 'stats', run: () => warmStats(opts.db), leader: true });
  }

  private deps?: HttpDeps;

  /** What the HTTP routes may use: built once, so every route family shares the same object. */
  httpDeps(): HttpDeps {
    return (this.deps ??= {
      http: this.http,
      service: this.service,
      db: this.opts.db,
      clock: this.clock,
      log: this.log,
      env: this.opts.env,
      secrets: this.opts.secrets ?? process.env,
      events: this.events,
      platforms: () => [...this.adapters.keys()],
      connectionState: (p) => {
        const c = this.connections.get(p);
        if (c && this.leaderOnly(c) && !this.leading) return 'standby (the leader holds the connection)';
        return c?.state() ?? 'ok';
      },
      replica: () => ({ id: this.replicaId, leader: this.isLeader() }),
      lastTick: () => ({ at: this.lastTickAt, error: this.lastTickError }),
      deliveryLanes: () => this.dispatcher.laneStates(),
      port: () => this.port,
      warmUp: (name, run, o) => void this.warmUps.push({ name, run, leader: Boolean(o?.leader) }),
    });
  }

  /**
   * Runs the warm-ups now, one after another: every replica's (the status page), then, when this
   * process leads, the leader's (stats, /metrics). Each reads a block or a day per event-loop turn.
   * Never rejects: one that fails leaves its work to the first request. `start()` runs them in the
   * background; this is for benches and tests, which start without the loop.
   */
  async warmUp(scope: 'all' | 'replica' | 'leader' = 'all'): Promise<void> {
    for (const w of [...this.warmUps.filter((w) => !w.leader), ...this.warmUps.filter((w) => w.leader)]) {
      if (this.stopping) return;
      if (w.leader ? scope === 'replica' || !this.isLeader() : scope === 'leader') continue;
      try {
        await w.run();
      } catch (e) {
        this.log.warn({ err: e, warmUp: w.name }, 'warming up failed; the first request will do that work');
      }
    }
  }

  /** Queues warm-ups behind those already running, in the background. */
  private queueWarmUp(scope: 'replica' | 'leader'): void {
    this.warming = this.warming.then(() => this.warmUp(scope));
  }

  /** Adds a platform: from now on every message gets an outbox row for it. */
  addAdapter(adapter: ChatAdapter, connection?: Connection): void {
    this.adapters.set(adapter.platform, adapter);
    if (!this.platforms.includes(adapter.platform)) this.platforms.push(adapter.platform);
    if (connection) this.connections.set(adapter.platform, connection);
  }

  /** True when this process does the leader's work: always without leadership (one process). */
  isLeader(): boolean {
    return !this.opts.leadership || (this.leading && this.opts.leadership.isLeader());
  }

  /** A connection only the leader holds: a platform session one client at a time may have. */
  private leaderOnly(c: Connection): boolean {
    return Boolean(this.opts.leadership && c.leaderOnly);
  }

  /** Another replica queued something (a wake-up from it): deliver and look at the timers now. */
  wake(): void {
    this.kick();
  }

  /** Delivers soon after a commit, coalescing bursts of commits into one pass. */
  private kick(): void {
    // A standby leaves delivery to the leader: it tells it, or the leader finds the rows at its next step.
    if (!this.isLeader()) {
      this.opts.wakeLeader?.();
      return;
    }
    this.rearm();
    if (this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      this.dispatcher.dispatch().catch((e) => this.log.error({ err: e }, 'dispatch failed'));
    });
  }

  /**
   * One scheduler step: fire due timers. Never throws and never waits for delivery: a failing step
   * is logged and the next one runs on time; what it queued goes out on the dispatcher's own loop.
   */
  async step(): Promise<void> {
    if (!this.isLeader()) return;
    await this.prune();
    try {
      const r = await tickDetailed(this.service);
      this.lastTickAt = this.clock.now();
      this.lastTickError = r.deferred > 0 ? 'a timer is waiting for the database' : null;
    } catch (e) {
      this.lastTickError = e instanceof Error ? e.message : String(e);
      this.log.error({ err: e }, 'tick failed');
    }
    this.kick();
  }

  /**
   * Deletes delivered messages and finished timers older than KLAXON_RETENTION: every few minutes,
   * and at every step while a backlog remains (each pass is a bounded slice). Never fatal.
   */
  private async prune(): Promise<void> {
    let now = this.nextPruneAt;
    try {
      now = this.clock.now().getTime();
      if (now < this.nextPruneAt) return;
      const n = await pruneOnce(this.opts.db, now - (this.opts.env.KLAXON_RETENTION ?? DEFAULT_RETENTION_MS));
      const more = n.outbox === PRUNE_BATCH || n.timers === PRUNE_BATCH || n.events === PRUNE_BATCH;
      this.nextPruneAt = more ? now : now + PRUNE_EVERY_MS;
      if (n.outbox + n.timers + n.events > 0) this.log.debug(n, 'pruned rows past retention');
    } catch (e) {
      this.nextPruneAt = now + PRUNE_EVERY_MS;
      this.log.warn({ err: e }, 'pruning past retention failed; will try again');
    }
  }

  /** A scheduler step, then one delivery pass awaited (start-up, tests, the console). */
  async tick(): Promise<void> {
    await this.step();
    await this.dispatcher.dispatch().catch((e) => this.log.error({ err: e }, 'dispatch failed'));
  }

  async start(opts: { http?: boolean; loop?: boolean } = {}): Promise<void> {
    this.loop = opts.loop !== false;
    if (opts.http !== false) this.port = await this.http.listen(this.opts.env.PORT, this.opts.env.HOST);
    // One process does everything; a replica does the leader's work only when (and each time) it
    // leads, and holds only the connections every replica may hold.
    if (!this.opts.leadership) await this.startLeading({ strict: true });
    try {
      await Promise.all([...this.connections.values()].filter((c) => !this.leaderOnly(c)).map((c) => c.start()));
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.started = true;
    await this.leadershipChanged();
    // What every replica serves (the status page) is read in the background, before a visitor asks.
    if (this.loop) this.queueWarmUp('replica');
  }

  /**
   * The leadership gained or lost the lead: starts or stops the leader's work to match. Pass it as
   * the leadership's onGain and onLose. Stopping happens at once (nothing more is handed to a
   * platform after this returns); starting awaits the first step. Safe to call at any time.
   */
  leadershipChanged(): Promise<void> {
    const lead = this.opts.leadership;
    if (!lead || !this.started || this.stopping) return this.changes;
    if (this.leading && !lead.isLeader()) this.stopLeading();
    this.changes = this.changes.then(async () => {
      if (!this.leading && lead.isLeader() && !this.stopping) {
        this.log.info({ replica: this.replicaId }, 'leading: running the scheduler and delivering the outbox');
        await this.startLeading({ strict: false });
        // A platform refusing its credentials now cannot stop a running replica: said loudly instead.
        for (const c of this.connections.values())
          if (this.leaderOnly(c)) c.start().catch((e: unknown) => this.log.error({ err: e }, 'a platform connection failed to start on gaining the lead'));
      }
    });
    return this.changes;
  }

  /**
   * The leader's work: timers armed, a first step and delivery pass, the loop, stats warmed.
   * `strict`: a failure to arm the timers stops start-up; a replica gaining the lead logs it and
   * runs the loop anyway (its steps retry what the database refused).
   */
  private async startLeading(o: { strict: boolean }): Promise<void> {
    this.leading = true;
    const term = ++this.term;
    try {
      await bootstrapTimers(this.service);
    } catch (e) {
      if (o.strict) throw e;
      this.log.error({ err: e }, 'arming the rota, reminder and heartbeat timers failed on gaining the lead');
    }
    // The scheduler never waits for a platform: it runs first, and the platforms connect alongside
    // (each one down and retrying in the background if it cannot). Only credentials a platform
    // refuses at start-up stop start-up.
    await this.tick();
    if (this.loop && term === this.term && this.leading) {
      this.scheduleStep();
      // The leader's history sums (stats, /metrics), a block per turn, before anyone asks.
      this.queueWarmUp('leader');
    }
  }

  /** Lost the lead: the loop ends, pending deliveries are dropped, leader-only connections close. */
  private stopLeading(): void {
    if (!this.leading) return;
    this.leading = false;
    this.term++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) clearImmediate(this.pending);
    this.pending = null;
    this.dispatcher.pause();
    this.log.warn({ replica: this.replicaId }, 'no longer leading: the scheduler and delivery stopped here');
    for (const c of this.connections.values()) if (this.leaderOnly(c)) void c.stop().catch(() => undefined);
  }

  /**
   * Chains steps with setTimeout so they never overlap, and one failing step cannot end the chain.
   * Each wait ends at the earliest pending timer's due time (so an escalation fires on time whatever
   * KLAXON_TICK_SECONDS says), or after KLAXON_TICK_SECONDS at most: the step re-reads the timers
   * table, so the database stays the only record of what is due.
   */
  private scheduleStep(): void {
    const term = this.term;
    void this.nextWait().then((wait) => {
      if (this.stopping || this.timer || term !== this.term) return;
      this.wakeAt = performance.now() + wait;
      this.timer = setTimeout(() => {
        this.timer = null;
        // step() never rejects: the chain cannot break. It ends when the lead is lost (a later term
        // starts a chain of its own).
        void this.step().then(() => {
          if (!this.stopping && term === this.term) this.scheduleStep();
        });
      }, wait);
    });
  }

  /** Milliseconds until the next step: the earliest due timer, capped by the polling interval. Never rejects. */
  private async nextWait(): Promise<number> {
    const every = this.opts.env.KLAXON_TICK_SECONDS * 1000;
    try {
      const next = await earliestDue(this.opts.db);
      if (next === null) return every;
      const wait = next - this.clock.now().getTime();
      if (wait > 0) return Math.min(every, wait);
      // Due just now (the timer woke a hair early): go again at once. Due a while ago and still
      // pending after a step: it waits for a retry (the database refused it), so do not spin.
      return Math.min(every, -wait < JUST_DUE_MS ? 1 : RETRY_WAIT_MS);
    } catch {
      return every;
    }
  }

  /** A commit may have armed a timer due before the current wait ends: wake for it instead. */
  private rearm(): void {
    const armed = this.timer;
    if (!armed || this.stopping) return;
    void this.nextWait().then((wait) => {
      // Only the wait that was armed when this looked is replaced (another rearm may have been first).
      if (this.timer !== armed || this.stopping) return;
      if (performance.now() + wait >= this.wakeAt - 1) return;
      clearTimeout(armed);
      this.timer = null;
      this.scheduleStep();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.term++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) clearImmediate(this.pending);
    this.dispatcher.stop();
    await this.dispatcher.dispatch().catch(() => undefined);
    for (const c of this.connections.values()) await c.stop().catch(() => undefined);
    if (this.http.server.listening) await this.http.close();
  }
}
