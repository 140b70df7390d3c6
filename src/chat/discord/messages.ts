// Messages for the inbound service's support rules (a thread or forum post counts under its
// parent channel). Discord's fields are mapped here; what gets an answer is decided there.
import { type Client, type Message, MessageType } from 'discord.js';
import { supportMessage } from '../../service/inbound.js';
import type { Service } from '../../service/service.js';

/** Message types that are a person writing; joins, pins, boosts and the like are the platform's. */
const PERSON_TYPES: MessageType[] = [MessageType.Default, MessageType.Reply];

export async function onMessage(svc: Service, client: Client, m: Message): Promise<void> {
  await supportMessage(svc, {
    platform: 'discord',
    channel: m.channelId,
    parent: m.channel.isThread() ? m.channel.parentId : null,
    messageId: m.id,
    user: m.author.id,
    from:
      m.author.id === client.user?.id ? 'klaxon' : m.author.bot || m.webhookId !== null ? 'bot' : m.system || !PERSON_TYPES.includes(m.type) ? 'system' : 'person',
    text: m.content,
    userName: async () => m.member?.displayName ?? m.author.globalName ?? m.author.username,
    link: async () => m.url,
  });
}
