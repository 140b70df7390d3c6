// The outbox's view of Discord: every call is one or two discord.js REST requests, so rate limits
// are discord.js's to honour (short waits inside REST; long ones come back as DeliveryError with
// retryAfterMs). An incident lives in a public thread of `channels.discord.incidents`; its name
// carries severity and status because threads have no topic.
import { createHash } from 'node:crypto';
import { ChannelType, DiscordAPIError, RateLimitError, type REST, Routes } from 'discord.js';
import type { Logger } from 'pino';
import type { Policy } from '../../config/policy/index.js';
import { incidentChannelName } from '../../domain/slug.js';
import { type ChatAdapter, DeliveryError, type MessageBody, type MessageRef, type SpaceInfo } from '../../service/port.js';
import { hasCode, toDeliveryError } from './errors.js';
import { renderMessage } from './render.js';

type ApiChannel = { id: string; type: number; name?: string; topic?: string | null; guild_id?: string; parent_id?: string | null; owner_id?: string };

const THREAD_TYPES: number[] = [ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread];
const NAME_LIMIT = 100;
const SEP = ' · ';
/** A week: the longest auto-archive Discord offers, so a slow incident's thread stays open. */
const ARCHIVE_MINUTES = 10080;

/** "inc-4-api-down · Sev 1 · investigating": the slug, then the first two parts of the topic. */
export function threadName(base: string, topic: string): string {
  const status = topic.split(SEP).slice(0, 2).join(SEP);
  return (status ? `${base}${SEP}${status}` : base).slice(0, NAME_LIMIT);
}

const baseOf = (name: string) => name.split(SEP)[0];

/** Discord's nonce is at most 25 characters: a digest of the outbox message's key. */
export function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  private readonly dmChannels = new Map<string, string>();
  /** Thread renames Discord deferred (2 per 10 minutes per channel): the latest wanted name wins. */
  private readonly pendingNames = new Map<string, { name: string; timer: NodeJS.Timeout }>();
  /** The last permanent delivery failure (Missing Access, closed DMs, ...), shown in /healthz with its time. */
  lastPermanentError: { at: Date; message: string } | null = null;
  /** Told when Discord answers 401: the bot token was reset or the bot removed. */
  onTokenRefused: (() => void) | undefined;

  constructor(
    private readonly rest: REST,
    private readonly policy: Policy,
    private readonly log: Logger,
    /** The bot's own user id once known, to recognise threads it opened itself. */
    private readonly botId: () => string | undefined = () => undefined,
  ) {}

  async openIncidentSpace(info: SpaceInfo): Promise<{ channel: string; name: string }> {
    const parent = this.policy.channels.discord?.incidents;
    if (!parent) {
      throw this.record(new DeliveryError('channels.discord.incidents is not set in the policy, so there is no channel to open incident threads in', { permanent: true }));
    }
    const base = incidentChannelName(info.number, info.title, 60);
    // An earlier attempt may have opened the thread and lost the answer (a crash, a timeout, a
    // 500 after the create): the incident's number in its name finds it again.
    const earlier = await this.threadNamed(parent, base);
    if (earlier) {
      this.log.info({ thread: earlier.id, name: base }, 'Discord: reusing the incident thread an earlier attempt opened');
      return { channel: earlier.id, name: base };
    }
    const thread = (await this.call(`open thread in ${parent}`, () =>
      this.rest.post(Routes.threads(parent), {
        body: { name: threadName(base, `${info.severity}${SEP}${info.status}`), type: ChannelType.PublicThread, auto_archive_duration: ARCHIVE_MINUTES },
        reason: `Klaxon incident #${info.number}`,
      }),
    )) as ApiChannel;
    return { channel: thread.id, name: base };
  }

  async post(to: { channel: string } | { user: string }, body: MessageBody, opts: { key?: string } = {}): Promise<MessageRef> {
    const channel = 'user' in to ? await this.dmChannel(to.user) : to.channel;
    // Every attempt at one outbox message carries the same nonce, and Discord answers a repeat
    // with the message it already stored: a retry after a 500 or a timeout posts no second copy.
    const once = opts.key ? { nonce: nonceFor(opts.key), enforce_nonce: true } : {};
    const msg = (await this.call(`post to ${'user' in to ? `DM ${to.user}` : channel}`, () =>
      this.rest.post(Routes.channelMessages(channel), { body: { ...renderMessage(body), ...once } }),
    )) as { id: string };
    return { channel, id: msg.id };
  }

  async edit(ref: MessageRef, body: MessageBody): Promise<void> {
    const { message_reference: _ignored, ...payload } = renderMessage(body);
    await this.call(`edit ${ref.channel}/${ref.id}`, () => this.rest.patch(Routes.channelMessage(ref.channel, ref.id), { body: payload }));
  }

  /** A thread's "topic" is its name (severity and status); a text channel gets a real topic. */
  async setTopic(channel: string, text: string): Promise<void> {
    const ch = await this.channel(channel);
    if (THREAD_TYPES.includes(ch.type)) return this.renameThread(ch, threadName(baseOf(ch.name ?? channel), text));
    if ((ch.topic ?? '') === text) return;
    await this.call(`set topic of ${channel}`, () => this.rest.patch(Routes.channel(channel), { body: { topic: text.slice(0, 1024) } }));
  }

  async rename(channel: string, name: string): Promise<void> {
    const ch = await this.channel(channel);
    if (THREAD_TYPES.includes(ch.type)) {
      const status = (ch.name ?? '').split(SEP).slice(1).join(SEP);
      return this.renameThread(ch, threadName(name, status));
    }
    if (ch.name === name) return;
    await this.call(`rename ${channel}`, () => this.rest.patch(Routes.channel(channel), { body: { name: name.slice(0, NAME_LIMIT) } }));
  }

  /** Adds people to the incident thread. Someone who left the server does not stop the others being added. */
  async invite(channel: string, users: string[]): Promise<void> {
    let added = 0;
    let last: DeliveryError | null = null;
    for (const user of users) {
      try {
        await this.call(`add ${user} to ${channel}`, () => this.rest.put(Routes.threadMembers(channel, user)));
        added++;
      } catch (e) {
        const err = e as DeliveryError;
        if (!err.opts.permanent) throw err;
        last = err;
        this.log.warn({ channel, user, error: err.message }, 'could not add a user to an incident thread');
      }
    }
    if (added === 0 && last) throw last;
  }


  /** An active thread under `parent` that the bot opened for this incident (its name starts with `base`). */
  private async threadNamed(parent: string, base: string): Promise<ApiChannel | undefined> {
    const guild = this.policy.channels.discord?.guild ?? (await this.channel(parent)).guild_id;
    if (!guild) return undefined;
    const { threads } = (await this.call(`list active threads of ${guild}`, () => this.rest.get(Routes.guildActiveThreads(guild)))) as { threads: ApiChannel[] };
    const me = this.botId();
    return threads.find((t) => t.parent_id === parent && baseOf(t.name ?? '') === base && (!me || !t.owner_id || t.owner_id === me));
  }

  /** Cancels deferred renames (on shutdown). */
  dispose(): void {
    for (const p of this.pendingNames.values()) clearTimeout(p.timer);
    this.pendingNames.clear();
  }

  private async dmChannel(user: string): Promise<string> {
    const known = this.dmChannels.get(user);
    if (known) return known;
    const ch = (await this.call(`open DM with ${user}`, () => this.rest.post(Routes.userChannels(), { body: { recipient_id: user } }))) as ApiChannel;
    this.dmChannels.set(user, ch.id);
    return ch.id;
  }

  private async channel(id: string): Promise<ApiChannel> {
    return (await this.call(`read channel ${id}`, () => this.rest.get(Routes.channel(id)))) as ApiChannel;
  }

  /**
   * Discord allows two name changes per channel per ten minutes. A rename it defers must not hold
   * up the incident's messages queued behind it, so the latest name is applied later in memory
   * (it is cosmetic, and the next status change renames again anyway).
   */
  private async renameThread(ch: ApiChannel, name: string): Promise<void> {
    const pending = this.pendingNames.get(ch.id);
    if (pending) {
      pending.name = name;
      return;
    }
    if (ch.name === name) return;
    try {
      await this.rest.patch(Routes.channel(ch.id), { body: { name } });
    } catch (e) {
      if (e instanceof RateLimitError) return this.deferRename(ch.id, name, Math.max(e.retryAfter, e.timeToReset, e.sublimitTimeout));
      if (hasCode(e, 50083)) return; // archived thread: nothing to keep current
      throw this.record(toDeliveryError(e, `rename thread ${ch.id}`));
    }
  }

  private deferRename(channel: string, name: string, waitMs: number): void {
    this.log.info({ channel, name, waitMs }, 'Discord deferred a thread rename; applying it later');
    const timer = setTimeout(() => {
      const wanted = this.pendingNames.get(channel);
      this.pendingNames.delete(channel);
      if (wanted) void this.renameThread({ id: channel, type: ChannelType.PublicThread }, wanted.name).catch((e) => this.log.warn({ channel, err: e }, 'deferred thread rename failed'));
    }, waitMs + 250);
    timer.unref();
    this.pendingNames.set(channel, { name, timer });
  }

  /** Runs one REST call, mapping its failure to a DeliveryError and remembering permanent ones for /healthz. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      return out;
    } catch (e) {
      if (e instanceof DiscordAPIError && e.status === 401) this.onTokenRefused?.();
      throw this.record(toDeliveryError(e, what));
    }
  }

  private record(err: DeliveryError): DeliveryError {
    if (err.opts.permanent) this.lastPermanentError = { at: new Date(), message: err.message };
    return err;
  }
}
