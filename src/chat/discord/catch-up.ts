// Catch-up after a new gateway session. A resumed session replays what was missed; a new one (close
// 1000 or 4009, op 9, an outage longer than Discord keeps a session) replays nothing, so acks,
// pins and support messages sent meanwhile would be lost while their senders believe they were
// seen. After such a session Klaxon reads them back over REST and acts on each through the same
// handlers as live events, whose delivery keys make every one count once, however often it is seen.
import { type Client, Routes } from 'discord.js';
import type { Logger } from 'pino';
import { supportConfig } from '../../service/support.js';
import type { Service } from '../../service/service.js';
import { openIncidentChannels, openPageMessages } from '../../service/open-platform-items.js';
import type { DiscordAdapter } from './adapter.js';
import { emojiName } from './emoji.js';
import { onReactionPacket, type ReactionPacket } from './reactions.js';
import { reactionMeaning, supportMessage } from '../../service/inbound.js';

type ApiEmoji = { id: string | null; name: string | null };
type ApiMessage = {
  id: string;
  channel_id: string;
  content: string;
  type: number;
  webhook_id?: string;
  author: { id: string; username: string; global_name?: string | null; bot?: boolean };
  member?: { nick?: string | null };
  reactions?: { emoji: ApiEmoji; count: number }[];
};

/** Message types a person writes (default, reply); the rest are system messages. */
const PERSON_TYPES = [0, 19];
/** How far back in an incident thread reactions are looked for. */
const THREAD_MESSAGES = 50;

export type CatchUpResult = { reactions: number; messages: number; errors: number };

export class DiscordCatchUp {
  /** The newest message seen in each support channel: catch-up reads what came after it. */
  readonly lastSeen = new Map<string, string>();

  constructor(
    private readonly svc: Service,
    private readonly client: Client,
    private readonly adapter: DiscordAdapter,
    private readonly log: Logger,
  ) {}

  /** Remembers the newest message of a support channel (live MESSAGE_CREATE, or the start-up read). */
  seen(channel: string, messageId: string): void {
    const last = this.lastSeen.get(channel);
    if (!last || BigInt(messageId) > BigInt(last)) this.lastSeen.set(channel, messageId);
  }

  /** At the first session: where each support channel stands, so a later catch-up knows where to start. */
  async mark(): Promise<void> {
    for (const channel of supportConfig(this.svc.policy, 'discord')?.channels ?? []) {
      try {
        const [newest] = (await this.client.rest.get(Routes.channelMessages(channel), { query: new URLSearchParams({ limit: '1' }) })) as ApiMessage[];
        // An empty channel: everything written after now is new.
        this.seen(channel, newest?.id ?? '0');
      } catch (e) {
        this.log.warn({ err: e, channel }, 'could not read where a support channel stands');
      }
    }
  }

  async run(): Promise<CatchUpResult> {
    const out: CatchUpResult = { reactions: 0, messages: 0, errors: 0 };
    const guild = this.svc.policy.channels.discord?.guild;
    const db = this.svc.deps.db;
    const step = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        out.errors++;
        this.log.warn({ err: e, what }, 'Discord catch-up: one step failed; the rest goes on');
      }
    };
    // Acks on the pages still waiting (DMs and channel copies alike).
    for (const ref of (await openPageMessages(db, 'discord'))) await step(`page ${ref.id}`, async () => {
        out.reactions += await this.reactions(ref.channel, ref.id);
      });
    // 📌 (and any other meaningful reaction) on recent messages of open incident threads.
    for (const thread of (await openIncidentChannels(db, 'discord'))) {
      await step(`thread ${thread}`, async () => {
        const recent = (await this.client.rest.get(Routes.channelMessages(thread), { query: new URLSearchParams({ limit: String(THREAD_MESSAGES) }) })) as ApiMessage[];
        for (const m of recent) if (m.reactions?.length) out.reactions += await this.reactions(thread, m.id, m, guild);
      });
    }
    // Support messages written while nobody listened, oldest first.
    for (const [channel, after] of this.lastSeen) {
      await step(`support ${channel}`, async () => {
        const missed = (await this.client.rest.get(Routes.channelMessages(channel), { query: new URLSearchParams({ after, limit: '100' }) })) as ApiMessage[];
        for (const m of missed.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))) {
          this.seen(channel, m.id);
          if (await this.support(m, guild)) out.messages++;
        }
      });
    }
    this.log.info(out, 'Discord: caught up after a new gateway session');
    return out;
  }

  /** Replays each person's meaningful reaction on one message through the live handler. */
  private async reactions(channel: string, messageId: string, known?: ApiMessage, guild?: string): Promise<number> {
    const m = known ?? ((await this.client.rest.get(Routes.channelMessage(channel, messageId))) as ApiMessage);
    let acted = 0;
    for (const r of m.reactions ?? []) {
      const name = emojiName(r.emoji);
      if (!reactionMeaning(this.svc, name)) continue;
      const emoji = r.emoji.id ? `${r.emoji.name}:${r.emoji.id}` : (r.emoji.name ?? '');
      const users = (await this.client.rest.get(Routes.channelMessageReaction(channel, messageId, emoji), { query: new URLSearchParams({ limit: '100' }) })) as { id: string }[];
      for (const u of users) {
        if (u.id === this.client.user?.id) continue;
        const packet: ReactionPacket = { user_id: u.id, channel_id: channel, message_id: messageId, guild_id: guild, emoji: r.emoji };
        await onReactionPacket(this.svc, this.client, this.adapter, this.log, packet);
        acted++;
      }
    }
    return acted;
  }

  private async support(m: ApiMessage, guild: string | undefined): Promise<boolean> {
    const reply = await supportMessage(this.svc, {
      platform: 'discord',
      channel: m.channel_id,
      parent: null,
      messageId: m.id,
      user: m.author.id,
      from: m.author.id === this.client.user?.id ? 'klaxon' : m.author.bot || m.webhook_id ? 'bot' : PERSON_TYPES.includes(m.type) ? 'person' : 'system',
      text: m.content,
      userName: async () => m.member?.nick ?? m.author.global_name ?? m.author.username,
      link: async () => `https://discord.com/channels/${guild ?? '@me'}/${m.channel_id}/${m.id}`,
    });
    return reply !== null;
  }
}
