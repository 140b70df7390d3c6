// Delivers the outbox through the adapters. Per platform: one destination's messages go out in
// order, pages before everything else, a 429 pauses the platform for Retry-After, transient
// failures back off, permanent ones are recorded and given up.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Logger } from 'pino';
import { DeliveryError, type ChatAdapter, type MessageBody, type Platform } from '../service/port.js';
import type { Policy } from '../config/policy/index.js';
import { platformUserId } from '../service/actor.js';
import type { Clock } from '../service/clock.js';
import { channelName, getIncident, rolesOf, severityLabel, severityOf } from '../service/incident-view.js';
import { spaceTopic } from '../service/space.js';
import type { Db } from '../store/db.js';
import { incidentSpaces, outbox } from '../store/schema.js';

export type OutboxRow = typeof outbox.$inferSelect;

const MAX_BACKOFF_MS = 5 * 60_000;
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));

export type DispatchEvents = {
  sent?: (row: OutboxRow) => void;
  failed?: (row: OutboxRow, error: string, permanent: boolean) => void;
};

export class Dispatcher {
  private blockedUntil = new Map<Platform, number>();
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly policy: Policy,
    private readonly adapters: Map<Platform, ChatAdapter>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: DispatchEvents = {},
  ) {}

  /** Runs one pass; calls while a pass runs coalesce into one more pass afterwards. */
  dispatch(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          const counts = await Promise.all([...this.adapters.values()].map((a) => this.platformPass(a)));
          total += counts.reduce((x, y) => x + y, 0);
        } while (this.again);
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  /**
   * Delivers everything that can go now on one platform; returns how many were delivered.
   * Pending rows are read once into per-destination queues (only each queue's oldest row may go,
   * which keeps every channel in order); before each delivery only rows newer than those already
   * read are fetched, so a page queued mid-drain still goes next, and a backlog drains in linear time.
   */
  private async platformPass(adapter: ChatAdapter): Promise<number> {
    const queues = new Map<string, OutboxRow[]>();
    /** Queues whose head failed in this pass: it waits for its retry, and so does the rest. */
    const held = new Set<string>();
    let seen = 0;
    let delivered = 0;
    for (;;) {
      const now = this.clock.now().getTime();
      if ((this.blockedUntil.get(adapter.platform) ?? 0) > now) return delivered;
      for (const row of this.pendingAfter(adapter.platform, seen)) {
        const q = queues.get(this.queueOf(row)) ?? [];
        q.push(row);
        queues.set(this.queueOf(row), q);
        seen = row.id;
      }
      const next = this.mostUrgentHead(queues, held, now);
      if (!next) return delivered;
      const outcome = await this.deliver(adapter, next);
      if (outcome === 'retry') held.add(this.queueOf(next));
      else queues.get(this.queueOf(next))!.shift();
      if (outcome === 'sent') delivered++;
    }
  }

  private pendingAfter(platform: Platform, id: number): OutboxRow[] {
    return this.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), eq(outbox.platform, platform), gt(outbox.id, id)))
      .orderBy(asc(outbox.id))
      .all();
  }

  /** The head of each destination's queue that is due, most urgent first. */
  private mostUrgentHead(queues: Map<string, OutboxRow[]>, held: Set<string>, now: number): OutboxRow | undefined {
    let best: OutboxRow | undefined;
    for (const [key, q] of queues) {
      const head = q[0];
      if (!head || held.has(key) || head.nextAttemptAt.getTime() > now) continue;
      if (!best || head.priority < best.priority || (head.priority === best.priority && head.id < best.id)) best = head;
    }
    return best;
  }

  /** An incident's channel is one queue whatever its ID turns out to be. */
  private queueOf(row: OutboxRow): string {
    return row.destination === 'incident' ? `incident:${row.incidentId}` : row.destination;
  }

  private async deliver(adapter: ChatAdapter, row: OutboxRow): Promise<'sent' | 'retry' | 'failed'> {
    try {
      const ref = await this.perform(adapter, row);
      if (ref === 'skip') this.finish(row, 'skipped');
      else this.finish(row, 'sent', ref ?? undefined);
      this.events.sent?.(row);
      return 'sent';
    } catch (e) {
      return this.fail(adapter.platform, row, e) ? 'failed' : 'retry';
    }
  }

  private async perform(a: ChatAdapter, row: OutboxRow): Promise<{ channel: string; id: string } | null | 'skip'> {
    const body = row.body as Record<string, unknown>;
    if (row.kind === 'edit') {
      const original = this.db.select().from(outbox).where(eq(outbox.id, row.editOf!)).get();
      if (!original?.refId || !original.refChannel) return 'skip';
      await a.edit({ channel: original.refChannel, id: original.refId }, body as MessageBody);
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
      const ref = await a.post(dm ? { user: dm } : { channel: channel! }, await this.linkIncident(a, row, body as MessageBody), { key: `outbox:${row.id}:${row.createdAt.getTime()}` });
      return ref;
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
    const known = this.db.select().from(incidentSpaces).where(and(eq(incidentSpaces.incidentId, row.incidentId), eq(incidentSpaces.platform, a.platform))).get();
    const inc = getIncident(this.db, row.incidentId)!;
    const link = known ? `<#${known.channelId}>` : `#${channelName(inc)}`;
    return { ...body, text: body.text.split('<#incident>').join(link) };
  }

  /** Concrete channel for a row; an incident's space is opened on first use and remembered. */
  private async channelOf(a: ChatAdapter, row: OutboxRow): Promise<string> {
    if (row.destination.startsWith('channel:')) return row.destination.slice('channel:'.length);
    const incidentId = row.incidentId!;
    const known = this.db.select().from(incidentSpaces).where(and(eq(incidentSpaces.incidentId, incidentId), eq(incidentSpaces.platform, a.platform))).get();
    if (known) return known.channelId;
    const inc = getIncident(this.db, incidentId)!;
    const sev = severityLabel(severityOf(this.policy, inc));
    // Same wording as refreshSpace, so the topic names the role holders from the start.
    const topic = spaceTopic(this.policy, inc, rolesOf(this.db, incidentId));
    const space = await a.openIncidentSpace({ number: inc.id, title: inc.title, severity: sev, status: inc.status, topic });
    this.db.insert(incidentSpaces).values({ incidentId, platform: a.platform, channelId: space.channel, name: space.name ?? channelName(inc) }).onConflictDoNothing().run();
    return space.channel;
  }

  private finish(row: OutboxRow, status: 'sent' | 'skipped', ref?: { channel: string; id: string }): void {
    this.db
      .update(outbox)
      .set({ status, sentAt: this.clock.now(), attempts: row.attempts + 1, refChannel: ref?.channel, refId: ref?.id })
      .where(eq(outbox.id, row.id))
      .run();
  }

  /** Records a failed attempt; true when it was permanent and the row is given up. */
  private fail(platform: Platform, row: OutboxRow, e: unknown): boolean {
    const err = e instanceof DeliveryError ? e : new DeliveryError(e instanceof Error ? e.message : String(e));
    const attempts = row.attempts + 1;
    const now = this.clock.now().getTime();
    if (err.opts.permanent) {
      this.db.update(outbox).set({ status: 'failed', attempts, lastError: err.message }).where(eq(outbox.id, row.id)).run();
      this.log.error({ outbox: row.id, platform, destination: row.destination, error: err.message }, 'delivery failed permanently');
      this.events.failed?.(row, err.message, true);
      return true;
    }
    const wait = err.opts.retryAfterMs ?? backoffMs(attempts);
    if (err.opts.retryAfterMs !== undefined && err.opts.global) this.blockedUntil.set(platform, now + wait);
    this.db.update(outbox).set({ attempts, lastError: err.message, nextAttemptAt: new Date(now + wait) }).where(eq(outbox.id, row.id)).run();
    this.log.warn({ outbox: row.id, platform, attempts, retryInMs: wait, error: err.message }, 'delivery failed; will retry');
    this.events.failed?.(row, err.message, false);
    return false;
  }
}
