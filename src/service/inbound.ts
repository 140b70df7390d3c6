// Platform events that are not commands: a reaction on a message, a pin, a message in a support
// channel. Every rule about them lives here, the same for every platform: which emoji means
// what, where a pin or a declaration counts, whose messages are ignored, the title taken from a
// message, and how a redelivered event is handled once. Adapters only fetch and map fields
// (platform markup to plain text, platform authors to `from`); they show the returned Reply in
// their own way. Alert ingestion (POST /integrations/v1) is its third client: the route
// authenticates and parses; onAlerts and onHeartbeat decide and store (service/alerts.ts).
import { runChanges } from '../store/transaction.js';
import { and, desc, eq } from 'drizzle-orm';
import { outbox, processedEvents } from '../store/tables.js';
import type { Actor } from './actor.js';
import { getIncident } from './incident-view.js';
import type { Platform } from './port.js';
import type { Reply } from './reply.js';
import type { Service } from './service.js';
import { handleSupportMessage, securityKeyword, supportConfig, type SupportPlatform, type SupportReply } from './support.js';
import { addTimeline } from './timeline.js';
import { cleanField, cleanText } from '../domain/clean-text.js';
import type { Integration } from '../config/policy/integrations.js';
import type { AlertBatch } from '../domain/alert.js';
import { type AlertDelivery, type AlertOutcome, handleAlerts, heartbeatCall, recordDelivery } from './alerts.js';
import { rememberPageCopy } from './open-platform-items.js';

export type InboundPlatform = SupportPlatform;

/**
 * Who wrote a message: a person, another bot or integration (webhooks too), Klaxon itself, or the
 * platform (joins, edits, system notices).
 */
export type Author = 'person' | 'bot' | 'klaxon' | 'system';

/** A message as the adapter read it. */
export type InboundMessage = {
  /** Plain text: the adapter has undone the platform's markup. */
  text: string;
  /** The author's display name. */
  author: string;
  from: Author;
  link?: string;
};

export type ReactionEvent = {
  platform: InboundPlatform;
  /** The same for a redelivery of this event and different for any other (Slack event_id; Discord has none, so message+user+emoji). */
  deliveryId: string;
  /** The policy's short name (`white_check_mark`): the adapter strips skin tones and maps unicode. */
  emoji: string;
  channel: string;
  messageId: string;
  /** Klaxon's own reactions (Discord shows the bot its own) mean nothing. */
  byKlaxon?: boolean;
  actor(): Promise<Actor>;
  /**
   * The message reacted to. Undefined when the platform will not show it; throwing means "try
   * again": nothing is recorded, so a redelivery of the event is handled afresh.
   */
  message(): Promise<InboundMessage | undefined>;
  /** The message's link, when `message()` did not give one. */
  link(): Promise<string | undefined>;
  /**
   * For an acknowledge on a message Klaxon has no record of: the page this message is a copy of
   * (its Acknowledge button names it), if it is one. A copy whose send answer was lost still acks.
   */
  pageOfCopy?(): Promise<number | null>;
};

export type PinEvent = Omit<ReactionEvent, 'emoji' | 'byKlaxon'>;

/** Incident titles taken from a message stop here; the rest is in the source link. */
export const MAX_TITLE = 120;

const PLATFORM_NAME: Record<InboundPlatform, string> = { slack: 'Slack', discord: 'Discord' };

/** The one title rule: the message's first non-empty line, spaces collapsed, cut to MAX_TITLE. */
export function titleFromMessage(platform: InboundPlatform, text: string | undefined, author?: string): string {
  const line = (text ?? '')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l.length > 0);
  if (!line) return `Declared from a ${PLATFORM_NAME[platform]} message${author ? ` by ${author}` : ''}`;
  return line.length <= MAX_TITLE ? line : `${line.slice(0, MAX_TITLE - 1).trimEnd()}…`;
}

/** Which reaction names mean what, from the policy (the schema fills in the SPEC's defaults). */
export function reactionMeaning(svc: Service, emoji: string): 'acknowledge' | 'timeline' | 'declare' | null {
  const r = svc.policy.reactions;
  if (r.acknowledge.includes(emoji)) return 'acknowledge';
  if (r.timeline.includes(emoji)) return 'timeline';
  if (r.declare.includes(emoji)) return 'declare';
  return null;
}

/** Messages being declared from right now, per service: two 🚨 at once must not both pass the awaits. */
const declaring = new WeakMap<Service, Set<string>>();

/**
 * A reaction on a message. Returns what to tell the person who reacted (a refusal, or the
 * declaration), or null when there is nothing to say.
 */
export async function onReaction(svc: Service, ev: ReactionEvent): Promise<Reply | null> {
  const meaning = ev.byKlaxon ? null : reactionMeaning(svc, ev.emoji);
  // A redelivery of an event already handled costs no platform calls.
  if (!meaning || (await svc.seenDelivery(ev.platform, ev.deliveryId))) return null;
  // Pins belong in an incident's channel; a declaration in one would duplicate its incident.
  const inIncident = (await svc.originFor(ev.platform, ev.channel)).incident !== undefined;
  if ((meaning === 'timeline' && !inIncident) || (meaning === 'declare' && inIncident)) return null;

  if (meaning === 'acknowledge') {
    if (!(await svc.firstDelivery(ev.platform, ev.deliveryId))) return null;
    const actor = await ev.actor();
    let reply = await reactToDelivered(svc, actor, ev.platform, { channel: ev.channel, id: ev.messageId }, ev.emoji);
    const copyOf = reply === null && ev.pageOfCopy ? await ev.pageOfCopy() : null;
    if (copyOf !== null) {
      // Remembered first, so the acknowledgement edits this copy along with the known ones.
      await rememberPageCopy(svc.deps.db, ev.platform, copyOf, { channel: ev.channel, id: ev.messageId });
      reply = await svc.acknowledgePageById(actor, copyOf);
    }
    return reply && !reply.ok ? reply : null;
  }
  if (meaning === 'timeline') {
    await pin(svc, ev);
    return null;
  }

  const key = `${ev.platform}:${ev.channel}:${ev.messageId}`;
  const inFlight = declaring.get(svc) ?? declaring.set(svc, new Set()).get(svc)!;
  if (inFlight.has(key)) return null;
  // Claimed before the awaits below, so two people reacting at once still declare once. The
  // durable guard is declareFrom's: one incident per message link, across restarts.
  inFlight.add(key);
  try {
    // Read before recording the delivery, so a failed read is retried by a redelivery.
    const message = await ev.message();
    // Klaxon's own messages (announcements start with 🚨) are not reports of a new incident.
    if (message?.from === 'klaxon') return null;
    if (!(await svc.firstDelivery(ev.platform, ev.deliveryId))) return null;
    const link = message?.link ?? (await ev.link());
    return await declareFromMessage(svc, await ev.actor(), ev.platform, { message, link });
  } finally {
    inFlight.delete(key);
  }
}

/** A pin (Slack's pin_added): the message goes on the timeline of the incident whose channel it is in. */
export async function onPin(svc: Service, ev: PinEvent): Promise<void> {
  if ((await svc.originFor(ev.platform, ev.channel)).incident === undefined || (await svc.seenDelivery(ev.platform, ev.deliveryId))) return;
  await pin(svc, ev);
}

async function pin(svc: Service, ev: PinEvent): Promise<void> {
  const message = await ev.message();
  if (!(await svc.firstDelivery(ev.platform, ev.deliveryId))) return;
  // A message the platform will not show has nothing to put on the timeline.
  if (!message) return;
  const link = message.link ?? (await ev.link());
  await pinToTimeline(svc, await ev.actor(), ev.platform, ev.channel, { id: ev.messageId, text: message.text, author: message.author, link });
}

/**
 * 🚨 on a message: declares an incident titled from it and linking back to it. An incident matters
 * more than its title, so a message the platform will not show still declares one.
 */
export async function declareFromMessage(
  svc: Service,
  actor: Actor,
  platform: InboundPlatform,
  from: { message: InboundMessage | undefined; link: string | undefined },
): Promise<Reply> {
  const { message, link } = from;
  const where = link ? `: ${link}` : '';
  const reply = await svc.declareFrom(actor, {
    title: titleFromMessage(platform, message?.text, message?.author),
    sourceLink: link,
    description: `Raised by ${actor.name} with a reaction on a message${message ? ` by ${message.author}` : ''}${where}`,
  });
  return reply.ok ? { ...reply, text: `${reply.text} from this message.` } : reply;
}

/**
 * An acknowledge emoji on a message Klaxon delivered: on a page's copy it acknowledges that page.
 * Returns null when the reaction means nothing to Klaxon.
 */
export async function reactToDelivered(svc: Service, actor: Actor, platform: Platform, ref: { channel?: string; id: string }, emoji: string): Promise<Reply | null> {
  if (reactionMeaning(svc, emoji) !== 'acknowledge') return null;
  const row = (await svc.deps.db
    .select({ pageId: outbox.pageId })
    .from(outbox)
    .where(and(eq(outbox.platform, platform), eq(outbox.refId, ref.id), ref.channel ? eq(outbox.refChannel, ref.channel) : undefined))
    // The newest match: console message numbers start again at 1 in each run.
    .orderBy(desc(outbox.id)))[0];
  if (!row?.pageId) return null;
  return svc.acknowledgePageById(actor, row.pageId);
}

/**
 * Copies a chat message onto the timeline of the incident whose channel it is in (pushpin
 * reaction, Slack pin). Returns null when the channel is not an incident's.
 */
export async function pinToTimeline(
  svc: Service,
  actor: Actor,
  platform: Platform,
  channelId: string,
  message: { id?: string; text: string; author: string; link?: string },
): Promise<Reply | null> {
  const origin = await svc.originFor(platform, channelId);
  if (!origin.incident) return null;
  message = { ...message, text: cleanText(message.text), author: cleanField(message.author) };
  return svc.transact(async (ctx) => {
    const inc = (await getIncident(ctx.tx, origin.incident!))!;
    // A 📌 and a pin, or two people's 📌, on one message put it on the timeline once.
    if (message.id) {
      const first = (await runChanges(ctx.tx.insert(processedEvents).values({ platform, eventId: `pin:${channelId}:${message.id}`, processedAt: ctx.now }).onConflictDoNothing()));
      if (first.changes === 0) return { ok: true, text: `That message is already on the timeline of #${inc.id}.` };
    }
    const raw = message.text || '(no text)';
    const text = raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
    await addTimeline(ctx, inc.id, 'pinned', actor.id, `${actor.name} pinned a message by ${message.author}: ${text}${message.link ? ` (${message.link})` : ''}`);
    return { ok: true, text: `Added to the timeline of #${inc.id}.` };
  });
}

export type SupportEvent = {
  platform: InboundPlatform;
  /** Where the message is, and where the reply goes. */
  channel: string;
  /** The channel a thread or forum post is in: a thread inside a support channel counts under it. */
  parent?: string | null;
  messageId: string;
  /** Platform user (or bot) id. */
  user: string;
  from: Author;
  text: string;
  /** Asked only for a person's message. */
  userName(): Promise<string>;
  /** Asked only when the message reads like a security report: only then does the incident link to it. */
  link(): Promise<string | undefined>;
};

/**
 * A message in a support channel. Only a person's message is answered: bots, integrations,
 * Klaxon itself and the platform's own notices never are.
 */
export async function supportMessage(svc: Service, ev: SupportEvent): Promise<SupportReply | null> {
  const config = supportConfig(svc.policy, ev.platform);
  if (!config) return null;
  const home = [ev.channel, ev.parent].find((c) => c && config.channels.includes(c));
  if (!home) return null;
  const person = ev.from === 'person';
  const link = person && securityKeyword(ev.text, config.security_keywords) ? await ev.link() : undefined;
  const userName = person ? await ev.userName() : 'bot';
  return handleSupportMessage(svc, {
    platform: ev.platform,
    channel: ev.channel,
    ...(home !== ev.channel ? { supportChannel: home } : {}),
    user: ev.user,
    userName,
    isBot: !person,
    text: ev.text,
    link,
    messageId: ev.messageId,
  });
}

/**
 * An integration's alerts: decided (open / dedupe / resolve) and the body stored in one
 * transaction, so a delivery is either applied and kept or neither, and a crash mid-way lets the
 * sender's retry start afresh.
 */
export async function onAlerts(svc: Service, config: Integration, delivery: AlertDelivery, batch: AlertBatch): Promise<AlertOutcome> {
  return await svc.transact(async (ctx) => {
    const r = await handleAlerts(ctx, delivery.integration, config, batch);
    await recordDelivery(ctx, delivery, r);
    return r;
  });
}

/** A heartbeat call: re-arms its deadline and resolves what a missed one opened. */
export async function onHeartbeat(svc: Service, integration: string, config: Integration, message?: string): Promise<AlertOutcome> {
  return await svc.transact((ctx) => heartbeatCall(ctx, integration, config, message));
}
