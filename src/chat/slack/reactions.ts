// Emoji reactions and pins: Slack's fields mapped for the inbound service, which decides what they
// mean (acknowledge a page, copy a message onto an incident's timeline, declare from a message).
import type { App } from '@slack/bolt';
import { onPin, onReaction, type InboundMessage } from '../../service/inbound.js';
import type { SlackDeps } from './deps.js';
import { baseEmoji, errorText } from './deps.js';
import { fetchMessage, permalink, plainText, type SlackMessage } from './messages.js';

export function registerReactions(bolt: App, d: SlackDeps): void {
  bolt.event('reaction_added', async ({ event, body }) => {
    if (event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    try {
      const reply = await onReaction(d.service, {
        platform: 'slack',
        // Redeliveries (X-Slack-Retry-Num, Socket Mode retries) carry the same event_id.
        deliveryId: body.event_id,
        emoji: baseEmoji(event.reaction),
        channel,
        messageId: ts,
        actor: () => d.people.actor(event.user),
        // A message Slack will not show (not in the channel, deleted) is "not visible", not a failure.
        message: async () => inbound(d, await fetchMessage(d.client, channel, ts).catch(() => undefined)),
        link: () => permalink(d.client, channel, ts),
      });
      if (reply) await tell(d, channel, event.user, reply.text);
    } catch (e) {
      d.log.error({ error: errorText(e), reaction: event.reaction, channel }, 'reaction handling failed');
    }
  });

  bolt.event('pin_added', async ({ event, body }) => {
    const channel = event.channel_id;
    const item = event.item as { message?: SlackMessage; ts?: string };
    const ts = item.message?.ts ?? item.ts;
    if (!ts) return;
    try {
      await onPin(d.service, {
        platform: 'slack',
        deliveryId: body.event_id,
        channel,
        messageId: ts,
        actor: () => d.people.actor(event.user),
        // Read the message from Slack (its current text); the pin event's own copy is the fallback.
        message: async () => inbound(d, (await fetchMessage(d.client, channel, ts).catch(() => undefined)) ?? item.message),
        link: () => permalink(d.client, channel, ts),
      });
    } catch (e) {
      d.log.error({ error: errorText(e), channel }, 'pin handling failed');
    }
  });
}

/** Slack's message fields in the inbound service's terms. */
async function inbound(d: SlackDeps, m: SlackMessage | undefined): Promise<InboundMessage | undefined> {
  if (!m) return undefined;
  const me = d.identity.current ?? (await d.identity.get().catch(() => undefined));
  const klaxon = Boolean(me && ((m.bot_id && m.bot_id === me.botId) || (m.user && m.user === me.botUserId)));
  const author = m.user ? await d.people.name(m.user) : (m.username ?? 'a bot');
  return { text: plainText(m.text ?? ''), author, from: klaxon ? 'klaxon' : m.bot_id || !m.user ? 'bot' : 'person', link: m.permalink };
}

/** A word to the person who reacted, visible to them only; best effort. */
async function tell(d: SlackDeps, channel: string, user: string, text: string): Promise<void> {
  await d.client.chat.postEphemeral({ channel, user, text }).catch((e: unknown) => d.log.debug({ error: errorText(e) }, 'could not post an ephemeral note'));
}
