// Reactions, read from the raw MESSAGE_REACTION_ADD packet. discord.js drops a reaction whose
// channel it has not cached and cannot build from the packet (a DM channel after a restart, a
// thread it has not seen), even with partials, and a page's DM is exactly where people react.
// The packet has everything needed: user, member roles, channel, message and emoji.
import { type Client, Routes } from 'discord.js';
import type { Logger } from 'pino';
import type { Service } from '../../service/service.js';
import type { DiscordAdapter } from './adapter.js';
import { emojiName } from './emoji.js';
import { resolveActor } from './members.js';
import { pageIdFromCustomId } from './render.js';
import { rememberPageCopy } from '../../service/open-platform-items.js';

export type ReactionPacket = {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id?: string;
  emoji: { id: string | null; name: string | null };
  /** Who wrote the message reacted to (Discord sends it on reaction events). */
  message_author_id?: string;
  member?: { roles?: string[]; nick?: string | null; user?: { username?: string; global_name?: string | null } };
};

type ApiMessage = { content: string; author: { id: string; username: string; global_name?: string | null } };

const link = (p: ReactionPacket) => `https://discord.com/channels/${p.guild_id ?? '@me'}/${p.channel_id}/${p.message_id}`;

export async function onReaction(svc: Service, client: Client, adapter: DiscordAdapter, log: Logger, p: ReactionPacket): Promise<void> {
  if (p.user_id === client.user?.id) return;
  const name = emojiName(p.emoji);
  const meaning = svc.reactionMeaning(name);
  if (!meaning) return;
  // Pins belong in an incident's thread; a declaration in one would duplicate its incident.
  const inIncident = svc.originFor('discord', p.channel_id).incident !== undefined;
  if ((meaning === 'timeline' && !inIncident) || (meaning === 'declare' && inIncident)) return;
  // Read the message before recording the delivery, so a failed fetch can be retried by a replay.
  const m = meaning === 'acknowledge' ? null : await fetchMessage(client, p);
  // Klaxon's own messages (announcements start with 🚨) are not reports of a new incident.
  if (meaning === 'declare' && m!.author.id === client.user?.id) return;
  // Once per person, message and emoji: a replayed packet does not pin or declare twice.
  if (!svc.firstDelivery('discord', `reaction:${p.message_id}:${p.user_id}:${name}`)) return;
  const actor = await resolveActor(client, svc.policy, p.user_id, p.member);

  let refusal: string | undefined;
  if (meaning === 'acknowledge') {
    let r = svc.reactToDelivered(actor, 'discord', { channel: p.channel_id, id: p.message_id }, name);
    // A copy of a page Klaxon has no record of (its answer was lost) still acknowledges: its button names the page.
    if (r === null && (p.message_author_id ?? client.user?.id) === client.user?.id) {
      const pageId = await pageOfCopy(client, p);
      if (pageId !== null) {
        rememberPageCopy(svc.deps.db, 'discord', pageId, { channel: p.channel_id, id: p.message_id });
        r = svc.acknowledgePageById(actor, pageId);
      }
    }
    if (r && !r.ok) refusal = r.text;
  } else if (meaning === 'timeline') {
    svc.pinToTimeline(actor, 'discord', p.channel_id, { id: p.message_id, text: m!.content || '(no text)', author: m!.author.global_name ?? m!.author.username, link: link(p) });
  } else {
    const firstLine = m!.content.split('\n')[0].trim();
    const title = firstLine ? (firstLine.length > 100 ? `${firstLine.slice(0, 99)}…` : firstLine) : `Raised from a Discord message by ${m!.author.username}`;
    const r = svc.declareFrom(actor, { title, sourceLink: link(p), description: `Raised by ${actor.name} with a reaction on a message by ${m!.author.username}: ${link(p)}` });
    if (!r.ok) refusal = r.text;
  }
  // A reaction has no ephemeral answer; a refusal goes to the person by DM instead.
  if (refusal) await adapter.post({ user: p.user_id }, { text: refusal }).catch((e) => log.warn({ err: e, user: p.user_id }, 'could not DM a reaction refusal'));
}

/** The page an Acknowledge button on this bot message names, if it has one. */
async function pageOfCopy(client: Client, p: ReactionPacket): Promise<number | null> {
  const m = (await fetchMessage(client, p).catch(() => null)) as (ApiMessage & { components?: { components?: { custom_id?: string }[] }[] }) | null;
  if (!m || m.author.id !== client.user?.id) return null;
  for (const row of m.components ?? []) for (const c of row.components ?? []) if (c.custom_id) return pageIdFromCustomId(c.custom_id);
  return null;
}

async function fetchMessage(client: Client, p: ReactionPacket): Promise<ApiMessage> {
  return (await client.rest.get(Routes.channelMessage(p.channel_id, p.message_id))) as ApiMessage;
}
