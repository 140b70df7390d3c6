// Messages in support channels (and in threads or forum posts inside them) go to the
// platform-neutral support module; everything else is ignored. Bots, webhooks, system messages
// and Klaxon's own echoes are never answered.
import { type Client, type Message, MessageType } from 'discord.js';
import { handleSupportMessage, isSupportChannel } from '../../service/support.js';
import type { Service } from '../../service/service.js';

const PERSON_TYPES: MessageType[] = [MessageType.Default, MessageType.Reply];

export function onMessage(svc: Service, client: Client, m: Message): void {
  if (m.author.id === client.user?.id) return;
  const home = supportChannelOf(svc, m);
  if (!home) return;
  handleSupportMessage(svc, {
    platform: 'discord',
    channel: m.channelId,
    supportChannel: home,
    user: m.author.id,
    userName: m.member?.displayName ?? m.author.globalName ?? m.author.username,
    isBot: m.author.bot || m.webhookId !== null || m.system || !PERSON_TYPES.includes(m.type),
    text: m.content,
    link: m.url,
    messageId: m.id,
  });
}

/** The configured support channel a message is in: the channel itself, or a thread's (or forum post's) parent. */
function supportChannelOf(svc: Service, m: Message): string | null {
  if (isSupportChannel(svc.policy, 'discord', m.channelId)) return m.channelId;
  const parent = m.channel.isThread() ? m.channel.parentId : null;
  return parent && isSupportChannel(svc.policy, 'discord', parent) ? parent : null;
}
