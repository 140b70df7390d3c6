// Emoji reactions and pins. What an emoji means comes from the policy (service.reactionMeaning):
// acknowledge a page, copy a message onto an incident's timeline, or declare from a message.
import type { App } from '@slack/bolt';
import type { SlackDeps } from './deps.js';
import { baseEmoji, errorText } from './deps.js';
import { fetchMessage, permalink, type SlackMessage, titleFromMessage } from './messages.js';

/**
 * Messages being declared from right now: two 🚨 at once must not both pass the awaits below. The
 * durable guard is the service's, which refuses a second incident from the same message link.
 */
const DECLARED_MEMORY = 1000;

export function registerReactions(bolt: App, d: SlackDeps): void {
  const declaredFrom = new Set<string>();

  bolt.event('reaction_added', async ({ event, body }) => {
    const emoji = baseEmoji(event.reaction);
    const meaning = d.service.reactionMeaning(emoji);
    if (!meaning || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    // Redeliveries (X-Slack-Retry-Num, Socket Mode retries) carry the same event_id: handled once.
    if (!d.service.firstDelivery('slack', body.event_id)) return;
    try {
      const actor = await d.people.actor(event.user);
      if (meaning === 'acknowledge') {
        const reply = d.service.reactToDelivered(actor, 'slack', { channel, id: ts }, emoji);
        if (reply && !reply.ok) await tell(d, channel, event.user, reply.text);
        return;
      }
      if (meaning === 'timeline') {
        if (!d.service.originFor('slack', channel).incident) return;
        await pin(d, event.user, channel, ts);
        return;
      }
      // In an incident's own channel a 🚨 would open a duplicate of that incident.
      if (d.service.originFor('slack', channel).incident) return;
      const key = `${channel}:${ts}`;
      if (declaredFrom.has(key)) return;
      // Claimed before the awaits below, so two people reacting at once still declare once.
      declaredFrom.add(key);
      if (declaredFrom.size > DECLARED_MEMORY) declaredFrom.delete(declaredFrom.values().next().value!);
      try {
        // An incident matters more than its title: if Slack will not show the message, declare anyway.
        const message = await fetchMessage(d.client, channel, ts).catch(() => undefined);
        // Klaxon's own messages (announcements start with 🚨) are not reports of a new incident.
        if (message?.bot_id) return;
        const link = await permalink(d.client, channel, ts);
        const reply = d.service.declareFrom(actor, { title: titleFromMessage(message?.text), sourceLink: link });
        if (!reply.ok) declaredFrom.delete(key);
        await tell(d, channel, event.user, reply.ok ? `${reply.text} from this message.` : reply.text);
      } catch (e) {
        declaredFrom.delete(key);
        throw e;
      }
    } catch (e) {
      d.log.error({ error: errorText(e), reaction: emoji, channel }, 'reaction handling failed');
    }
  });

  bolt.event('pin_added', async ({ event, body }) => {
    const channel = event.channel_id;
    if (!d.service.originFor('slack', channel).incident) return;
    if (!d.service.firstDelivery('slack', body.event_id)) return;
    const item = event.item as { message?: SlackMessage; ts?: string };
    const ts = item.message?.ts ?? item.ts;
    if (!ts) return;
    try {
      await pin(d, event.user, channel, ts, item.message);
    } catch (e) {
      d.log.error({ error: errorText(e), channel }, 'pin handling failed');
    }
  });
}

/** Puts a message's text and author on the timeline of the incident whose channel it is in. */
async function pin(d: SlackDeps, userId: string, channel: string, ts: string, embedded?: SlackMessage): Promise<void> {
  // Read the message from Slack (its current text); a pin event's own copy is the fallback.
  const message = (await fetchMessage(d.client, channel, ts).catch(() => undefined)) ?? embedded;
  if (!message) {
    d.log.warn({ channel, ts }, 'pinned message not found');
    return;
  }
  const author = message.user ? await d.people.name(message.user) : (message.username ?? 'a bot');
  const link = message.permalink ?? (await permalink(d.client, channel, ts));
  const actor = await d.people.actor(userId);
  d.service.pinToTimeline(actor, 'slack', channel, { id: ts, text: message.text ?? '', author, link });
}

/** A word to the person who reacted, visible to them only; best effort. */
async function tell(d: SlackDeps, channel: string, user: string, text: string): Promise<void> {
  await d.client.chat.postEphemeral({ channel, user, text }).catch((e: unknown) => d.log.debug({ error: errorText(e) }, 'could not post an ephemeral note'));
}
