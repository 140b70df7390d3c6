// Delivers the outbox through the adapters, one independent lane per platform, so a slow or failing
// platform never delays another and never delays the scheduler. Within a lane: one destination's
// messages go out in order; the most urgent head goes next (pages, then incident channels, then the
// rest); every call has a timeout. Failures are a property of the platform, not of a row: a 5xx, a
// timeout or a global 429 opens the lane's circuit; when it closes, everything waiting goes at once
// in priority order. A row is marked in flight in its own committed write before it is handed to
// the platform, and what the platform accepted is never sent again because a later DB write failed.
import { exclusive, runChanges } from '../store/transaction.js';
import { leaderFence } from '../store/fence.js';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { deliveryKey, DeliveryError, type ChatAdapter, type Destination, type MessageBody, type MessageRef, type Platform } from '../service/port.js';
import type { Policy } from '../config/policy/index.js';
import { platformUserId } from '../service/actor.js';
import type { Clock } from '../service/clock.js';
import { channelName, getIncident, rolesOf, severityLabel, severityOf } from '../service/incident-view.js';
import { spaceTopic } from '../service/space.js';
import type { Db } from '../store/db.js';
import { incidentSpaces, outbox } from '../store/tables.js';

export type OutboxRow = typeof outbox.$inferSelect;

const MAX_BACKOFF_MS = 5 * 60_000;
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
/** How long one platform call may take before it counts as failed (and possibly delivered). */
export const CALL_TIMEOUT_MS = 20_000;
/** Failures on this many rows in a row, with no success between, open the platform's circuit. */
const CIRCUIT_AFTER = 2;
/** A DB write refused (locked, disk full) is tried again this soon; the platform is not blamed. */
const DB_RETRY_MS = 250;

export type DispatchEvents = {
  sent?: (row: OutboxRow) => void;
  failed?: (row: OutboxRow, error: string, permanent: boolean) => void;
};

export type DispatcherOptions = {
  callTimeoutMs?: number;
  /** With replicas: the leader's fencing token, null once this replica does not lead (see ServiceDeps.fence). */
  fence?: () => number | null;
  /**
   * Asked right before every platform call (and before each row is taken): false once this replica
   * is not the leader. A replica that lost the lead, or woke from a freeze past its lease, hands
   * nothing more to a platform; a row it had marked in flight is looked up by the next leader.
   */
  mayDeliver?: () => boolean;
};

/** Thrown from a platform call refused because this replica no longer leads. */
class NotLeading extends Error {}

type Outcome = { status: 'sent' | 'skipped' | 'failed'; ref?: MessageRef; error?: string; row: OutboxRow };

/** What one platform's lane knows that is not (yet) in the database. */
class Lane {
  running: Promise<number> | null = null;
  again = false;
  /** Consecutive failures on this platform (across rows), and until when the circuit stays open. */
  failures = 0;
  openUntil = 0;
  /** Rows that failed since the last success: if the circuit opens, they wait for it instead. */
  readonly recentFailed = new Set<number>();
  /** Rows held by the circuit, not by their own clock: all eligible the moment it closes. */
  readonly circuitRows = new Set<number>();
  /** Until when the database refused our writes. */
  dbWaitUntil = 0;
  wake: NodeJS.Timeout | null = null;
  /** The platform's answer to rows whose DB write failed: recorded later, never sent again. */
  readonly unrecorded = new Map<number, Outcome>();
  state: 'ok' | 'failing' = 'ok';
  lastError: string | null = null;
}

export class Dispatcher {
  private readonly lanes = new Map<Platform, Lane>();
  private readonly callTimeoutMs: number;
  private readonly mayDeliver: () => boolean;
  private stopped = false;
  private readonly fence?: () => number | null;

  constructor(
    private readonly db: Db,
    private readonly policy: Policy,
    private readonly adapters: Map<Platform, ChatAdapter>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: DispatchEvents = {},
    opts: DispatcherOptions = {},
  ) {
    this.callTimeoutMs = opts.callTimeoutMs ?? CALL_TIMEOUT_MS;
    this.fence = opts.fence;
    this.mayDeliver = opts.mayDeliver ?? (() => true);
  }

  /**
   * Wakes every platform's lane; resolves when each has delivered what it can now. Lanes do not wait
   * for each other: a caller that does not await this (the app after a commit) delays nothing.
   */
  dispatch(): Promise<number> {
    return Promise.all([...this.adapters.keys()].map((p) => this.runLane(p))).then((n) => n.reduce((x, y) => x + y, 0));
  }

  /** How each platform's delivery is doing, for /readyz and /metrics. */
  laneStates(): Record<string, { state: 'ok' | 'failing'; failures: number; retryAt: Date | null; lastError: string | null }> {
    const out: ReturnType<Dispatcher['laneStates']> = {};
    for (const p of this.adapters.keys()) {
      const l = this.lane(p);
      out[p] = { state: l.state, failures: l.failures, retryAt: l.openUntil > this.clock.now().getTime() ? new Date(l.openUntil) : null, lastError: l.lastError };
    }
    return out;
  }

  /** Stops wake-up timers (the app is shutting down). */
  stop(): void {
    this.stopped = true;
    this.pause();
  }

  /** Drops the wake-ups of circuits and DB waits (this replica lost the lead); dispatch() resumes. */
  pause(): void {
    for (const l of this.lanes.values()) {
      if (l.wake) clearTimeout(l.wake);
      l.wake = null;
    }
  }

  private lane(p: Platform): Lane {
    let l = this.lanes.get(p);
    if (!l) this.lanes.set(p, (l = new Lane()));
    return l;
  }

  /** Runs one platform's lane; calls while it runs coalesce into one more run afterwards. */
  private runLane(p: Platform): Promise<number> {
    const lane = this.lane(p);
    if (lane.running) {
      lane.again = true;
      return lane.running;
    }
    const run = async () => {
      let total = 0;
      try {
        do {
          lane.again = false;
          total += await this.platformPass(this.adapters.get(p)!, lane);
        } while (lane.again);
      } finally {
        lane.running = null;
      }
      return total;
    };
    // Assigned before it can settle: a synchronous failure must not leave a settled promise behind.
    lane.running = Promise.resolve().then(run);
    return lane.running;
  }

  /** Runs the lane again once its circuit or DB wait is over (real time, as adapters are real). */
  private wakeAt(p: Platform, lane: Lane, at: number): void {
    if (this.stopped || !this.mayDeliver()) return;
    if (lane.wake) clearTimeout(lane.wake);
    const ms = Math.max(10, at - this.clock.now().getTime());
    lane.wake = setTimeout(() => {
      lane.wake = null;
      void this.runLane(p).catch((e) => this.log.error({ err: e, platform: p }, 'delivery lane failed'));
    }, ms);
    lane.wake.unref();
  }

  /**
   * Delivers everything that can go now on one platform; returns how many were delivered.
   * Pending rows are read once into per-destination queues (only each queue's oldest row may go,
   * which keeps every channel in order); before each delivery only rows newer than those already
   * read are fetched, so a page queued mid-drain still goes next, and a backlog drains in linear time.
   */
  private async platformPass(adapter: ChatAdapter, lane: Lane): Promise<number> {
    const heads = new Heads(lane);
    let seen = 0;
    let delivered = 0;
    for (;;) {
      if (!this.mayDeliver()) return delivered;
      const now = this.clock.now().getTime();
      const blocked = Math.max(lane.openUntil, lane.dbWaitUntil);
      if (blocked > now) {
        this.wakeAt(adapter.platform, lane, blocked);
        return delivered;
      }
      try {
        await this.recordLate(lane);
        for (const row of (await this.waitingAfter(adapter.platform, seen))) {
          seen = row.id;
          if (lane.unrecorded.has(row.id)) continue;
          heads.add(queueOf(row), row, now);
        }
      } catch (e) {
        this.dbRefused(adapter.platform, lane, e);
        continue;
      }
      const next = heads.mostUrgent(now);
      if (!next) return delivered;
      const outcome = await this.deliver(adapter, lane, next);
      if (outcome === 'not leading') return delivered;
      if (outcome === 'db') heads.putBack(next);
      else if (outcome === 'retry') heads.hold(queueOf(next));
      else heads.done(queueOf(next), now);
      if (outcome === 'sent') delivered++;
    }
  }

  /** Rows still to deliver: pending, and in flight when a crash or a lost answer interrupted them. */
  private async waitingAfter(platform: Platform, id: number): Promise<OutboxRow[]> {
    return (await this.db
      .select()
      .from(outbox)
      .where(and(inArray(outbox.status, ['pending', 'sending']), eq(outbox.platform, platform), gt(outbox.id, id)))
      .orderBy(asc(outbox.id)));
  }

  private async deliver(adapter: ChatAdapter, lane: Lane, row: OutboxRow): Promise<'sent' | 'retry' | 'failed' | 'db' | 'not leading'> {
    const p = adapter.platform;
    if (!this.mayDeliver()) return 'not leading';
    try {
      const token = this.fence?.();
      if (token === null) return 'not leading';
      // Its own committed write: after a crash, a row found in flight is checked before a resend.
      // With replicas it holds only during this replica's leader term (a deposed leader marks nothing).
      const marked = await exclusive(this.db, () =>
        runChanges(
          this.db
            .update(outbox)
            .set({ status: 'sending', attempts: row.attempts + 1 })
            .where(and(eq(outbox.id, row.id), inArray(outbox.status, ['pending', 'sending']), token === undefined ? undefined : leaderFence(token))),
        ),
      );
      if (marked.changes !== 1) return 'failed';
    } catch (e) {
      this.dbRefused(p, lane, e);
      return 'db';
    }
    let outcome: Outcome;
    try {
      const ref = await this.withTimeout(p, this.perform(this.whileLeading(adapter), row));
      outcome = ref === 'skip' ? { status: 'skipped', row } : { status: 'sent', ref: ref ?? undefined, row };
      this.platformOk(lane, row);
    } catch (e) {
      // Left in flight, untouched: the leader now in charge looks it up before sending it.
      if (e instanceof NotLeading) return 'not leading';
      const err = e instanceof DeliveryError ? e : new DeliveryError(e instanceof Error ? e.message : String(e), { maybeDelivered: true });
      if (err.opts.permanent) {
        outcome = { status: 'failed', error: err.message, row };
        this.log.error({ outbox: row.id, platform: p, destination: row.destination, error: err.message }, 'delivery failed permanently');
      } else {
        await this.retryLater(p, lane, row, err);
        return 'retry';
      }
    }
    await this.record(lane, outcome);
    if (outcome.status === 'failed') {
      this.events.failed?.(row, outcome.error!, true);
      return 'failed';
    }
    this.events.sent?.(row);
    return 'sent';
  }

  /** The adapter, refusing each call made once this replica no longer leads (checked at the call, not before). */
  private whileLeading(a: ChatAdapter): ChatAdapter {
    return new Proxy(a, {
      get: (target, key, receiver) => {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (!this.mayDeliver()) throw new NotLeading('this replica no longer leads');
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** Calls the platform, giving up after the timeout; a timed-out post may still have arrived. */
  private withTimeout<T>(p: Platform, call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryError(`${p}: no answer within ${this.callTimeoutMs / 1000}s`, { maybeDelivered: true })), this.callTimeoutMs);
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }

  /** Stores what the platform did; if the DB refuses, it is kept in memory and stored later. */
  private async record(lane: Lane, o: Outcome): Promise<void> {
    try {
      await this.write(o);
    } catch (e) {
      lane.unrecorded.set(o.row.id, o);
      this.log.warn({ err: e, outbox: o.row.id }, 'delivered, but the database refused the record; will store it later, not resend');
    }
  }

  private async recordLate(lane: Lane): Promise<void> {
    for (const [id, o] of lane.unrecorded) {
      await this.write(o);
      lane.unrecorded.delete(id);
    }
  }

  private async write(o: Outcome): Promise<void> {
    const set =
      o.status === 'failed'
        ? { status: 'failed' as const, lastError: o.error }
        : { status: o.status, sentAt: this.clock.now(), refChannel: o.ref?.channel, refId: o.ref?.id };
    await exclusive(this.db, async () => void (await this.db.update(outbox).set(set).where(eq(outbox.id, o.row.id))));
  }

  private dbRefused(p: Platform, lane: Lane, e: unknown): void {
    lane.dbWaitUntil = this.clock.now().getTime() + DB_RETRY_MS;
    this.log.warn({ err: e, platform: p }, 'outbox: the database refused a write; delivery waits for it');
  }

  private platformOk(lane: Lane, row: OutboxRow): void {
    lane.failures = 0;
    lane.recentFailed.clear();
    lane.circuitRows.delete(row.id);
    lane.state = 'ok';
    lane.lastError = null;
  }

  /**
   * A failure that may pass. A route-specific limit (a non-global Retry-After) holds only this row,
   * and so does one failure on its own (a hung route; the next row may well go): it backs off on its
   * own clock. A global limit, or failures on two rows in a row, say the platform is failing: one
   * circuit opens for every row on it, and when it closes they all go in priority order rather than
   * each on its own clock.
   */
  private async retryLater(p: Platform, lane: Lane, row: OutboxRow, err: DeliveryError): Promise<void> {
    const now = this.clock.now().getTime();
    const routeOnly = err.opts.retryAfterMs !== undefined && !err.opts.global;
    let nextAttemptAt = row.nextAttemptAt;
    if (routeOnly) nextAttemptAt = new Date(now + err.opts.retryAfterMs!);
    else {
      lane.failures++;
      lane.lastError = err.message;
      lane.recentFailed.add(row.id);
      if (err.opts.global || lane.failures >= CIRCUIT_AFTER) {
        lane.state = 'failing';
        lane.openUntil = now + (err.opts.retryAfterMs ?? backoffMs(lane.failures - 1));
        for (const id of lane.recentFailed) lane.circuitRows.add(id);
        lane.recentFailed.clear();
      } else nextAttemptAt = new Date(now + backoffMs(row.attempts + 1));
    }
    // Only an attempt that may have arrived stays in flight, to be looked up before the resend.
    const status = err.opts.maybeDelivered && row.kind === 'post' ? ('sending' as const) : ('pending' as const);
    try {
      await exclusive(this.db, async () => void (await this.db.update(outbox).set({ status, lastError: err.message, nextAttemptAt }).where(eq(outbox.id, row.id))));
    } catch (e) {
      // Left in flight: the next attempt looks it up first, which is safe either way.
      this.dbRefused(p, lane, e);
    }
    this.log.warn({ outbox: row.id, platform: p, attempts: row.attempts + 1, retryAt: new Date(Math.max(nextAttemptAt.getTime(), lane.openUntil)), error: err.message }, 'delivery failed; will retry');
    this.events.failed?.(row, err.message, false);
  }

  private async perform(a: ChatAdapter, row: OutboxRow): Promise<MessageRef | null | 'skip'> {
    const body = row.body as Record<string, unknown>;
    if (row.kind === 'edit') {
      const original = (await this.db.select().from(outbox).where(eq(outbox.id, row.editOf!)))[0];
      const ref = this.lane(a.platform).unrecorded.get(row.editOf!)?.ref ?? (original?.refId && original.refChannel ? { channel: original.refChannel, id: original.refId } : undefined);
      if (!ref) return 'skip';
      await a.edit(ref, body as MessageBody);
      return null;
    }
    if (row.kind === 'usergroup') {
      if (!a.setUserGroup) return 'skip';
      await a.setUserGroup(row.destination.replace(/^usergroup:/, ''), body.users as string[]);
      return null;
    }
    const dm = row.destination.startsWith('dm:') ? row.destination.slice(3) : undefined;
    const channel = dm ? undefined : await this.channelOf(a, row);
    if (row.kind === 'post') {
      const to: Destination = dm ? { user: dm } : { channel: channel! };
      const key = deliveryKey(row.id);
      // Found in flight (a crash, or an answer that never came): it may already be there.
      if (row.status === 'sending' && a.findDelivered) {
        const found = await a.findDelivered(to, key, row.createdAt).catch((e: unknown) => {
          // A lookup the platform refuses for good (a missing scope) must not lose the message: send it.
          if (e instanceof DeliveryError && e.opts.permanent) {
            this.log.warn({ outbox: row.id, platform: a.platform, error: e.message }, 'could not check whether an interrupted post arrived; sending it again');
            return null;
          }
          throw e;
        });
        if (found) {
          this.log.info({ outbox: row.id, platform: a.platform }, 'already delivered before the interruption; recorded, not sent again');
          return found;
        }
      }
      return a.post(to, await this.linkIncident(a, row, body as MessageBody), { key });
    }
    if (!channel) return 'skip';
    if (row.kind === 'topic') await a.setTopic(channel, String(body.text));
    else if (row.kind === 'rename') await a.rename(channel, String(body.name));
    else if (row.kind === 'invite') {
      const users = (body.people as string[]).map((p) => platformUserId(this.policy, p, a.platform)).filter((u): u is string => !!u);
      if (users.length === 0) return 'skip';
      await a.invite(channel, users);
    }
    return null;
  }

  /**
   * Announcements name the incident's channel as `<#incident>`; put the real channel there. The
   * incident's own messages are queued first, so its channel normally exists by now; if it could
   * not be opened the announcement still goes out, naming the channel in plain text.
   */
  private async linkIncident(a: ChatAdapter, row: OutboxRow, body: MessageBody): Promise<MessageBody> {
    if (!row.incidentId || !body.text?.includes('<#incident>')) return body;
    const known = (await this.db.select().from(incidentSpaces).where(and(eq(incidentSpaces.incidentId, row.incidentId), eq(incidentSpaces.platform, a.platform))))[0];
    const inc = (await getIncident(this.db, row.incidentId))!;
    const link = known ? `<#${known.channelId}>` : `#${channelName(inc)}`;
    return { ...body, text: body.text.split('<#incident>').join(link) };
  }

  /** Concrete channel for a row; an incident's space is opened on first use and remembered. */
  private async channelOf(a: ChatAdapter, row: OutboxRow): Promise<string> {
    if (row.destination.startsWith('channel:')) return row.destination.slice('channel:'.length);
    const incidentId = row.incidentId!;
    const known = (await this.db.select().from(incidentSpaces).where(and(eq(incidentSpaces.incidentId, incidentId), eq(incidentSpaces.platform, a.platform))))[0];
    if (known) return known.channelId;
    const inc = (await getIncident(this.db, incidentId))!;
    const sev = severityLabel(severityOf(this.policy, inc));
    // Same wording as refreshSpace, so the topic names the role holders from the start.
    const topic = spaceTopic(this.policy, inc, await rolesOf(this.db, incidentId));
    const space = await a.openIncidentSpace({ number: inc.id, title: inc.title, severity: sev, status: inc.status, topic });
    await exclusive(this.db, async () => void (await this.db.insert(incidentSpaces).values({ incidentId, platform: a.platform, channelId: space.channel, name: space.name ?? channelName(inc) }).onConflictDoNothing()));
    return space.channel;
  }
}

/** Pages first, then the incident's own channel, then everything else; lower goes first. */
function urgency(row: OutboxRow): number {
  return row.priority * 2 + (row.destination === 'incident' ? 0 : 1);
}

/** Most urgent first, then oldest. */
const before = (a: OutboxRow, b: OutboxRow) => urgency(a) - urgency(b) || a.id - b.id;

/** An incident's channel is one queue whatever its ID turns out to be. */
function queueOf(row: OutboxRow): string {
  return row.destination === 'incident' ? `incident:${row.incidentId}` : row.destination;
}

/**
 * One pass's per-destination queues: only each queue's oldest row may go, which keeps every channel
 * in order. The heads that may go now sit in a heap, so picking the most urgent one costs log(queues)
 * rather than a look at every queue (4,000 destinations made each delivery scan 4,000 queues).
 * A head not yet due waits aside and is looked at again each time, as is one a circuit now lets go.
 */
class Heads {
  private readonly queues = new Map<string, OutboxRow[]>();
  /** Queues whose head failed in this pass: it waits for its retry, and so does the rest. */
  private readonly held = new Set<string>();
  private readonly ready = new MinHeap<OutboxRow>(before);
  private readonly notDue = new Set<string>();

  constructor(private readonly lane: Lane) {}

  add(key: string, row: OutboxRow, now: number): void {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = []));
    q.push(row);
    if (q.length === 1 && !this.held.has(key)) this.place(key, row, now);
  }

  /** The most urgent head that may go now, taken off the heap (put it back, or call done/hold). */
  mostUrgent(now: number): OutboxRow | undefined {
    for (const key of this.notDue) {
      const head = this.queues.get(key)![0];
      if (this.mayGo(head, now)) {
        this.notDue.delete(key);
        this.ready.push(head);
      }
    }
    return this.ready.pop();
  }

  putBack(head: OutboxRow): void {
    this.ready.push(head);
  }

  hold(key: string): void {
    this.held.add(key);
  }

  /** The head went (or failed for good): the next row of its queue becomes the head. */
  done(key: string, now: number): void {
    const q = this.queues.get(key)!;
    q.shift();
    if (q.length === 0) this.queues.delete(key);
    else this.place(key, q[0], now);
  }

  private place(key: string, head: OutboxRow, now: number): void {
    if (this.mayGo(head, now)) this.ready.push(head);
    else this.notDue.add(key);
  }

  /** Due on its own clock, or held only by a circuit that has closed. */
  private mayGo(head: OutboxRow, now: number): boolean {
    return head.nextAttemptAt.getTime() <= now || this.lane.circuitRows.has(head.id);
  }
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => number) {}

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i], a[parent]) >= 0) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m]) < 0) m = l;
        if (r < a.length && this.less(a[r], a[m]) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
