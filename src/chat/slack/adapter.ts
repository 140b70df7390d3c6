// The Slack side of the outbox: each method is one or two Web API calls. Failures become
// DeliveryErrors (errors.ts) and the dispatcher decides when to try again.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { incidentChannelName } from '../../domain/slug.js';
import type { ChatAdapter, Destination, MessageBody, MessageRef, SendOptions, SpaceInfo } from '../../service/port.js';
import { DeliveryError } from '../../service/port.js';
import { slackMessage } from './blocks.js';
import { platformError, toDeliveryError } from './errors.js';
import { deliveryMetadata, findDelivered } from './delivered.js';
import { TOKEN_REFUSED } from './identity.js';

const MAX_NAME = 80;
const MAX_TOPIC = 250;
/** How many `-2`, `-3`… suffixes to try before falling back to a time-based one. */
const NAME_ATTEMPTS = 20;

/** `base` with a suffix, trimmed so the whole stays within Slack's 80-character limit. */
export function suffixedName(base: string, suffix: string): string {
  return `${base.slice(0, MAX_NAME - suffix.length).replace(/-+$/, '')}${suffix}`;
}

export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  /** Permanent failures since start, shown in /healthz through the connection's state. */
  permanentFailures = 0;
  lastPermanentError: string | undefined;
  /** Told when Slack refuses the bot token itself (revoked, app uninstalled): the connection marks Slack failed. */
  onTokenRefused: ((code: string) => void) | undefined;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Logger,
    /** The bot's own user ID (auth.test), to recognise a channel it created itself. */
    private readonly botUserId: () => Promise<string | undefined> = async () => undefined,
  ) {}

  async openIncidentSpace(info: SpaceInfo): Promise<{ channel: string; name: string }> {
    const base = incidentChannelName(info.number, info.title, MAX_NAME);
    let created: { id: string; name: string } | undefined;
    for (let i = 1; !created; i++) {
      const name = i === 1 ? base : i <= NAME_ATTEMPTS ? suffixedName(base, `-${i}`) : suffixedName(base, `-${Date.now().toString(36)}`);
      try {
        const r = await this.client.conversations.create({ name, is_private: false });
        created = { id: r.channel!.id!, name: r.channel!.name ?? name };
      } catch (e) {
        if (platformError(e) !== 'name_taken' || i > NAME_ATTEMPTS) throw this.failure(e, 'conversations.create');
        // Taken by this very incident when an earlier create succeeded but its answer was lost:
        // the channel is the bot's own and bears the incident's number, so use it, not a "-2".
        if (i === 1) created = await this.ownChannelNamed(name);
      }
    }
    // The channel exists now: anything below must not throw, or a retry would create a second one.
    try {
      await this.client.conversations.setTopic({ channel: created.id, topic: info.topic.slice(0, MAX_TOPIC) });
    } catch (e) {
      this.log.warn({ channel: created.id, error: toDeliveryError(e, 'conversations.setTopic').message }, 'could not set the new incident channel topic');
    }
    return { channel: created.id, name: created.name };
  }

  /** An unarchived public channel of that name that the bot itself created, if there is one. */
  private async ownChannelNamed(name: string): Promise<{ id: string; name: string } | undefined> {
    const me = await this.botUserId().catch(() => undefined);
    if (!me) return undefined;
    let cursor: string | undefined;
    // Bounded: a workspace with more than 20k public channels just gets the suffixed name.
    for (let page = 0; page < 20; page++) {
      const r = await this.client.conversations.list({ types: 'public_channel', exclude_archived: true, limit: 1000, cursor }).catch(() => undefined);
      const hit = r?.channels?.find((c) => c.name === name);
      if (hit) return hit.creator === me && hit.id ? { id: hit.id, name } : undefined;
      cursor = r?.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  async post(to: Destination, body: MessageBody, send?: SendOptions): Promise<MessageRef> {
    // Posting to a user ID lands in the bot's DM with them; Slack answers with the D… channel,
    // which is what a reaction on that DM later names, so that is what gets stored.
    const channel = 'user' in to ? to.user : to.channel;
    // A support auto-reply names the message it answers (`replyTo`, a ts): answer in its thread.
    const replyTo = body.replyTo;
    const thread = replyTo && /^\d+\.\d+$/.test(replyTo) ? { thread_ts: replyTo } : {};
    try {
      const metadata = send?.key ? { metadata: deliveryMetadata(send.key) } : {};
      const r = await this.client.chat.postMessage({ channel, ...slackMessage(body), ...thread, ...metadata, unfurl_links: false, unfurl_media: false } as webApi.ChatPostMessageArguments);
      return { channel: r.channel ?? channel, id: r.ts! };
    } catch (e) {
      throw this.failure(e, 'chat.postMessage');
    }
  }

  async findDelivered(to: Destination, key: string, since: Date): Promise<MessageRef | null> {
    try {
      return await findDelivered(this.client, to, key, since);
    } catch (e) {
      throw this.failure(e, 'conversations.history');
    }
  }

  async edit(ref: MessageRef, body: MessageBody): Promise<void> {
    await this.call('chat.update', () => this.client.chat.update({ channel: ref.channel, ts: ref.id, ...slackMessage(body) } as webApi.ChatUpdateArguments));
  }

  async setTopic(channel: string, text: string): Promise<void> {
    await this.call('conversations.setTopic', () => this.client.conversations.setTopic({ channel, topic: text.slice(0, MAX_TOPIC) }));
  }

  async invite(channel: string, users: string[]): Promise<void> {
    if (users.length === 0) return;
    try {
      // force: invite the valid users even if one of several cannot be invited.
      await this.client.conversations.invite({ channel, users: users.join(','), force: true });
    } catch (e) {
      const code = platformError(e);
      // Already there is what we wanted; the bot cannot invite itself and is already in.
      if (code === 'already_in_channel' || code === 'cant_invite_self') return;
      throw this.failure(e, 'conversations.invite');
    }
  }

  async rename(channel: string, name: string): Promise<void> {
    await this.call('conversations.rename', () => this.client.conversations.rename({ channel, name: name.slice(0, MAX_NAME) }));
  }

  /** One Web API call whose failure becomes a DeliveryError (recorded when permanent). */
  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.failure(e, method);
    }
  }

  async setUserGroup(group: string, users: string[]): Promise<void> {
    // Slack refuses an empty user group; with nobody on call the group keeps its last member.
    if (users.length === 0) {
      this.log.warn({ usergroup: group }, 'nobody on call to put in the Slack user group; left unchanged');
      return;
    }
    try {
      await this.client.usergroups.users.update({ usergroup: group, users: users.join(',') });
    } catch (e) {
      throw this.failure(e, 'usergroups.users.update');
    }
  }


  private failure(e: unknown, method: string): DeliveryError {
    const err = toDeliveryError(e, method);
    const code = platformError(e);
    if (code && TOKEN_REFUSED.has(code)) this.onTokenRefused?.(code);
    if (err.opts.permanent) {
      this.permanentFailures++;
      this.lastPermanentError = err.message;
    }
    return err;
  }
}
