// Messages in support channels go to the platform-neutral support module; everything else is
// ignored. Bots, webhooks, system messages and Klaxon's own echoes are never answered.
import { type Client, type Message, MessageType } from 'discord.js';
import { handleSupportMessage, isSupportChannel } from '../../service/support.js';
import type { Service } from '../../service/service.js';

const PERSON_TYPES: MessageType[] = [MessageType.Default, MessageType.Reply];

export function onMessage(svc: Service, client: Client, m: Message): void {
  if (m.author.id === client.user?.id) return;
  if (!isSupportChannel(svc.policy, 'discord', m.channelId)) return;
  handleSupportMessage(svc, {
    platform: 'discord',
    channel: m.channelId,
    user: m.author.id,
    userName: m.member?.displayName ?? m.author.globalName ?? m.author.username,
    isBot: m.author.bot || m.webhookId !== null || m.system || !PERSON_TYPES.includes(m.type),
    text: m.content,
    link: m.url,
    messageId: m.id,
  });
}
