// Reactions, read from the raw MESSAGE_REACTION_ADD packet. discord.js drops a reaction whose
// channel it has not cached and cannot build from the packet (a DM channel after a restart, a
// thread it has not seen), even with partials, and a page's DM is exactly where people react.
// The packet has everything needed: user, member roles, channel, message and emoji. What the
// reaction means is the inbound service's decision; this file only maps Discord's fields.
import { type Client, Routes } from 'discord.js';
import type { Logger } from 'pino';
import { onReaction } from '../../service/inbound.js';
import type { Service } from '../../service/service.js';
import type { DiscordAdapter } from './adapter.js';
import { emojiName } from './emoji.js';
import { resolveActor } from './members.js';
import { pageIdFromCustomId } from './render.js';

export type ReactionPacket = {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id?: string;
  emoji: { id: string | null; name: string | null };
  member?: { roles?: string[]; nick?: string | null; user?: { username?: string; global_name?: string | null } };
  /** Who wrote the message reacted to (Discord sends it on reaction events). */
  message_author_id?: string;
};

type ApiMessage = {
  content: string;
  author: { id: string; username: string; global_name?: string | null; bot?: boolean };
  webhook_id?: string;
  components?: { components?: { custom_id?: string }[] }[];
};

const link = (p: ReactionPacket) => `https://discord.com/channels/${p.guild_id ?? '@me'}/${p.channel_id}/${p.message_id}`;

export async function onReactionPacket(svc: Service, client: Client, adapter: DiscordAdapter, log: Logger, p: ReactionPacket): Promise<void> {
  const name = emojiName(p.emoji);
  const reply = await onReaction(svc, {
    platform: 'discord',
    // Discord replays carry no delivery id: once per person, message and emoji.
    deliveryId: `reaction:${p.message_id}:${p.user_id}:${name}`,
    emoji: name,
    channel: p.channel_id,
    messageId: p.message_id,
    byKlaxon: p.user_id === client.user?.id,
    actor: () => resolveActor(client, svc.policy, p.user_id, p.member),
    message: async () => {
      const m = (await client.rest.get(Routes.channelMessage(p.channel_id, p.message_id))) as ApiMessage;
      const from = m.author.id === client.user?.id ? 'klaxon' : m.author.bot || m.webhook_id ? 'bot' : 'person';
      return { text: m.content, author: m.author.global_name ?? m.author.username, from, link: link(p) };
    },
    link: async () => link(p),
    pageOfCopy: () => pageOfCopy(client, p),
  });
  // A reaction has no ephemeral answer; a refusal goes to the person by DM instead.
  if (reply && !reply.ok) await adapter.post({ user: p.user_id }, { text: reply.text }).catch((e) => log.warn({ err: e, user: p.user_id }, 'could not DM a reaction refusal'));
}

/** The page an Acknowledge button on this bot message names, if it has one (only Klaxon's own messages are read). */
async function pageOfCopy(client: Client, p: ReactionPacket): Promise<number | null> {
  if (p.message_author_id && p.message_author_id !== client.user?.id) return null;
  const m = (await client.rest.get(Routes.channelMessage(p.channel_id, p.message_id)).catch(() => null)) as ApiMessage | null;
  if (!m || m.author.id !== client.user?.id) return null;
  for (const row of m.components ?? []) for (const c of row.components ?? []) if (c.custom_id) return pageIdFromCustomId(c.custom_id);
  return null;
}
