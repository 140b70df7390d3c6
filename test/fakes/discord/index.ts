// A local Discord for tests: REST (rest.ts) and gateway (gateway.ts) sharing one small world of
// a guild, its channels, roles and members, threads, DMs and messages. Tests drive it as users
// would (say, react, run /incident, click a button) and read back what the bot sent.
import { FakeGateway } from './gateway.js';
import { CHANNEL, channelObject, type FakeChannel, type FakeMessage, type FakeUser, isThread, memberObject, messageObject, userObject } from './payloads.js';
import { apiError, type Answer, FakeRest, type Recorded } from './rest.js';
import { snowflake } from './snowflake.js';

export { apiError, rateLimited } from './rest.js';
export type { Recorded } from './rest.js';

export type FakeDiscordOptions = {
  token?: string;
  appId?: string;
  botId?: string;
  guild: { id: string; name?: string };
  channels: { id: string; name: string; topic?: string }[];
  roles?: { id: string; name: string }[];
  members?: (FakeUser & { roles?: string[] })[];
  /** Intent bits the portal has not switched on, e.g. 1 << 15 for Message Content. */
  disallowedIntents?: number;
};

export type FakeInteraction = { id: string; token: string; channelId: string; responses: { type: number; data?: any }[]; original?: FakeMessage; followUps: FakeMessage[] };

export class FakeDiscord {
  readonly token: string;
  readonly appId: string;
  readonly bot: FakeUser;
  readonly guildId: string;
  readonly rest: FakeRest;
  readonly gateway: FakeGateway;
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly members = new Map<string, { user: FakeUser; roles: string[] }>();
  readonly threadMembers = new Map<string, Set<string>>();
  /** Users whose DMs are closed: opening the DM works, sending answers 50007. */
  readonly closedDms = new Set<string>();
  registeredCommands: { path: string; body: unknown }[] = [];
  private readonly dms = new Map<string, string>();

  static async start(opts: FakeDiscordOptions): Promise<FakeDiscord> {
    const f = new FakeDiscord(opts);
    await f.rest.listen();
    await f.gateway.listen();
    return f;
  }

  private constructor(private readonly opts: FakeDiscordOptions) {
    this.token = opts.token ?? 'fake-bot-token';
    this.appId = opts.appId ?? '700000000000000001';
    this.bot = { id: opts.botId ?? '700000000000000001', username: 'Klaxon', bot: true };
    this.guildId = opts.guild.id;
    for (const c of opts.channels) this.channels.set(c.id, { id: c.id, type: CHANNEL.GuildText, name: c.name, topic: c.topic ?? null, guild_id: this.guildId });
    this.members.set(this.bot.id, { user: this.bot, roles: [] });
    for (const m of opts.members ?? []) this.members.set(m.id, { user: m, roles: m.roles ?? [] });
    this.rest = new FakeRest(this.token);
    this.gateway = new FakeGateway({ token: this.token, ready: () => this.readyPayload(), disallowedIntents: opts.disallowedIntents });
    this.mountRoutes();
  }

  get apiUrl(): string {
    return this.rest.url;
  }

  get requests(): Recorded[] {
    return this.rest.requests;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.rest.close();
  }

  // ------------------------------------------------------------------------------------------
  // What users do.

  /** A user posts in a channel (MESSAGE_CREATE). */
  say(channelId: string, author: FakeUser, content: string): FakeMessage {
    const m = this.store(channelId, author, { content });
    this.gateway.dispatch('MESSAGE_CREATE', this.messageEvent(m));
    return m;
  }

  /** A user opens a thread (or forum post) under a channel (THREAD_CREATE). */
  userThread(parentId: string, name: string): FakeChannel {
    const parent = this.channels.get(parentId)!;
    const thread: FakeChannel = { id: snowflake(), type: CHANNEL.PublicThread, name, parent_id: parentId, guild_id: parent.guild_id };
    this.channels.set(thread.id, thread);
    this.gateway.dispatch('THREAD_CREATE', { ...channelObject(thread), newly_created: true });
    return thread;
  }

  /** Discord delivers an already-sent message again (a replay after a reconnect or restart). */
  resend(m: FakeMessage): void {
    this.gateway.dispatch('MESSAGE_CREATE', this.messageEvent(m));
  }

  /** A user reacts with a unicode emoji (MESSAGE_REACTION_ADD), as Discord sends it: no message body. */
  react(channelId: string, messageId: string, userId: string, emoji: string): void {
    const msg = this.messages.get(messageId);
    if (msg) {
      msg.reactions ??= new Map();
      const users = msg.reactions.get(emoji) ?? new Set<string>();
      users.add(userId);
      msg.reactions.set(emoji, users);
    }
    const ch = this.channels.get(channelId);
    const guild = ch?.guild_id;
    const member = this.members.get(userId);
    this.gateway.dispatch('MESSAGE_REACTION_ADD', {
      user_id: userId, channel_id: channelId, message_id: messageId, emoji: { id: null, name: emoji }, burst: false, type: 0,
      ...(guild ? { guild_id: guild, ...(member ? { member: memberObject(member.user, member.roles) } : {}) } : {}),
      message_author_id: this.messages.get(messageId)?.author.id,
    });
  }

  /** A member runs `/incident <subcommand>` with options (INTERACTION_CREATE, type 2). */
  command(userId: string, channelId: string, subcommand: string, options: { name: string; type: number; value: unknown }[] = [], opts: { createdAt?: number } = {}): FakeInteraction {
    // Discord resolves USER options into `resolved`, where discord.js reads them.
    const users = options.filter((o) => o.type === 6).map((o) => this.members.get(String(o.value)));
    const resolved = users.length
      ? {
          users: Object.fromEntries(users.filter((m) => m).map((m) => [m!.user.id, userObject(m!.user)])),
          members: Object.fromEntries(users.filter((m) => m).map((m) => { const { user: _u, ...rest } = memberObject(m!.user, m!.roles); return [m!.user.id, rest]; })),
        }
      : undefined;
    const data = { id: snowflake(), name: 'incident', type: 1, options: [{ name: subcommand, type: 1, options }], ...(resolved ? { resolved } : {}) };
    return this.interact(userId, channelId, 2, data, opts.createdAt);
  }

  /** A user presses a button on a message (INTERACTION_CREATE, type 3). */
  click(userId: string, message: FakeMessage, customId: string): FakeInteraction {
    return this.interact(userId, message.channel_id, 3, { custom_id: customId, component_type: 2 }, undefined, message);
  }

  // ------------------------------------------------------------------------------------------
  // What the bot did.

  /** Messages the bot posted, oldest first, optionally in one channel. */
  botMessages(channelId?: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.author.id === this.bot.id && (!channelId || m.channel_id === channelId));
  }

  threads(): FakeChannel[] {
    return [...this.channels.values()].filter((c) => isThread(c.type));
  }

  dmChannelOf(userId: string): string | undefined {
    return this.dms.get(userId);
  }

  /** Polls until `check` returns something truthy; fails after `ms`. For network I/O, not timers. */
  async waitFor<T>(check: () => T | undefined | null | false, ms = 5000, what = 'condition'): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ------------------------------------------------------------------------------------------

  private interact(userId: string, channelId: string, type: number, data: object, createdAt?: number, message?: FakeMessage): FakeInteraction {
    const member = this.members.get(userId);
    if (!member) throw new Error(`user ${userId} is not a member of the fake guild`);
    const ch = this.channels.get(channelId);
    const inGuild = ch?.type !== CHANNEL.DM;
    const i: FakeInteraction = { id: snowflake(createdAt), token: `tok-${snowflake()}`, channelId, responses: [], followUps: [] };
    this.interactions.set(i.id, i);
    this.gateway.dispatch('INTERACTION_CREATE', {
      id: i.id, application_id: this.appId, type, token: i.token, version: 1, data,
      channel_id: channelId, channel: ch ? channelObject(ch) : { id: channelId, type: 0 },
      ...(inGuild ? { guild_id: this.guildId, member: memberObject(member.user, member.roles) } : { user: userObject(member.user) }),
      ...(message ? { message: messageObject(message) } : {}),
      locale: 'en-GB', guild_locale: 'en-GB', app_permissions: '1099511627775', entitlements: [],
      authorizing_integration_owners: { '0': this.guildId }, context: inGuild ? 0 : 1,
    });
    return i;
  }

  private readyPayload() {
    const roles = [{ id: this.guildId, name: '@everyone' }, ...(this.opts.roles ?? [])].map((r, i) => ({
      id: r.id, name: r.name, permissions: '0', position: i, color: 0, hoist: false, managed: false, mentionable: false, flags: 0,
    }));
    const guild = {
      id: this.guildId, name: this.opts.guild.name ?? 'Fake guild', unavailable: false, owner_id: this.bot.id, roles, emojis: [], stickers: [],
      features: [], member_count: this.members.size, large: false, joined_at: '2026-01-01T00:00:00.000Z', presences: [], voice_states: [],
      members: [memberObject(this.bot)],
      channels: [...this.channels.values()].filter((c) => c.guild_id && !isThread(c.type)).map(channelObject),
      threads: this.threads().map(channelObject),
      stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    };
    return {
      d: { user: userObject(this.bot), guilds: [{ id: this.guildId, unavailable: true }], application: { id: this.appId, flags: 0 }, private_channels: [] },
      guilds: [guild],
    };
  }

  private store(channelId: string, author: FakeUser, body: Record<string, any>): FakeMessage {
    const ch = this.channels.get(channelId);
    const m: FakeMessage = {
      id: snowflake(), channel_id: channelId, guild_id: ch?.guild_id, author: userObject(author), content: body.content ?? '',
      embeds: body.embeds ?? [], components: body.components ?? [], allowed_mentions: body.allowed_mentions,
      message_reference: body.message_reference ? { message_id: body.message_reference.message_id, channel_id: channelId } : undefined,
      timestamp: new Date().toISOString(), edited_timestamp: null,
    };
    this.messages.set(m.id, m);
    return m;
  }

  private messageEvent(m: FakeMessage) {
    const ch = this.channels.get(m.channel_id);
    const member = this.members.get(m.author.id);
    return {
      ...messageObject(m), channel_type: ch?.type ?? 0,
      ...(m.guild_id && member ? { member: { roles: member.roles, joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 } } : {}),
    };
  }

  private channel(id: string): FakeChannel | Answer {
    return this.channels.get(id) ?? apiError(404, 10003, 'Unknown Channel');
  }

  private mountRoutes(): void {
    const ok = (body: unknown, status = 200): Answer => ({ status, body });
    const r = this.rest;
    r.route('GET', /^\/gateway\/bot$/, () =>
      ok({ url: this.gateway.url, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } }));
    r.route('GET', /^\/gateway$/, () => ok({ url: this.gateway.url }));
    r.route('GET', /^\/users\/@me$/, () => ok(userObject(this.bot)));

    r.route('GET', /^\/guilds\/(\d+)\/members\/(\d+)$/, (_req, [guild, user]) => {
      const m = this.members.get(user);
      return guild === this.guildId && m ? ok(memberObject(m.user, m.roles)) : apiError(404, 10007, 'Unknown Member');
    });

    r.route('POST', /^\/users\/@me\/channels$/, (req) => {
      const user = this.members.get(String(req.body?.recipient_id))?.user;
      if (!user) return apiError(400, 50033, 'Invalid Recipient(s)');
      let id = this.dms.get(user.id);
      if (!id) {
        id = snowflake();
        this.dms.set(user.id, id);
        this.channels.set(id, { id, type: CHANNEL.DM, recipients: [user] });
      }
      return ok(channelObject(this.channels.get(id)!));
    });

    r.route('GET', /^\/channels\/(\d+)$/, (_req, [id]) => {
      const ch = this.channel(id);
      return 'status' in ch ? ch : ok(channelObject(ch));
    });

    r.route('PATCH', /^\/channels\/(\d+)$/, (req, [id]) => {
      const ch = this.channel(id);
      if ('status' in ch) return ch;
      if (typeof req.body?.name === 'string') ch.name = req.body.name;
      if ('topic' in (req.body ?? {})) ch.topic = req.body.topic;
      this.gateway.dispatch(isThread(ch.type) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', channelObject(ch));
      return ok(channelObject(ch));
    });

    r.route('POST', /^\/channels\/(\d+)\/messages$/, (req, [id]) => {
      const ch = this.channel(id);
      if ('status' in ch) return ch;
      if (ch.type === CHANNEL.DM && ch.recipients?.some((u) => this.closedDms.has(u.id))) return apiError(403, 50007, 'Cannot send messages to this user');
      // enforce_nonce: a message with the same nonce from the same author in the last minutes is answered again, not stored twice.
      const nonce = req.body?.nonce as string | undefined;
      if (nonce && req.body?.enforce_nonce) {
        const earlier = [...this.messages.values()].find((x) => x.channel_id === id && x.author.id === this.bot.id && x.nonce === nonce);
        if (earlier) return ok(messageObject(earlier));
      }
      const m = this.store(id, this.bot, req.body ?? {});
      if (nonce) m.nonce = nonce;
      // Discord echoes the bot's own messages over the gateway; the bot must ignore them.
      this.gateway.dispatch('MESSAGE_CREATE', this.messageEvent(m));
      return ok(messageObject(m));
    });

    r.route('GET', /^\/channels\/(\d+)\/messages$/, (req, [id]) => {
      const after = req.query.get('after');
      const limit = Number(req.query.get('limit') ?? 50);
      // Newest first, as Discord lists them.
      const all = [...this.messages.values()].filter((m) => m.channel_id === id && (!after || BigInt(m.id) > BigInt(after)));
      all.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? 1 : -1));
      return ok((after ? all.slice(-limit) : all.slice(0, limit)).map(messageObject));
    });

    r.route('GET', /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)$/, (_req, [id, mid, emoji]) => {
      const m = this.messages.get(mid);
      if (!m || m.channel_id !== id) return apiError(404, 10008, 'Unknown Message');
      const users = [...(m.reactions?.get(decodeURIComponent(emoji)) ?? [])];
      return ok(users.map((u) => userObject(this.members.get(u)?.user ?? { id: u, username: u })));
    });

    r.route('GET', /^\/guilds\/(\d+)\/threads\/active$/, () => ok({ threads: this.threads().map((t) => ({ ...channelObject(t), owner_id: t.owner_id })), members: [] }));

    r.route('GET', /^\/channels\/(\d+)\/messages\/(\d+)$/, (_req, [id, mid]) => {
      const m = this.messages.get(mid);
      return m && m.channel_id === id ? ok(messageObject(m)) : apiError(404, 10008, 'Unknown Message');
    });

    r.route('PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, (req, [id, mid]) => {
      const m = this.messages.get(mid);
      if (!m || m.channel_id !== id) return apiError(404, 10008, 'Unknown Message');
      if (m.author.id !== this.bot.id) return apiError(403, 50005, 'Cannot edit a message authored by another user');
      if ('content' in req.body) m.content = req.body.content ?? '';
      if ('embeds' in req.body) m.embeds = req.body.embeds ?? [];
      if ('components' in req.body) m.components = req.body.components ?? [];
      m.edited_timestamp = new Date().toISOString();
      return ok(messageObject(m));
    });

    r.route('POST', /^\/channels\/(\d+)\/threads$/, (req, [id]) => {
      const parent = this.channel(id);
      if ('status' in parent) return parent;
      const thread: FakeChannel = { id: snowflake(), type: req.body?.type ?? CHANNEL.PrivateThread, name: req.body?.name, parent_id: id, guild_id: parent.guild_id, owner_id: this.bot.id };
      this.channels.set(thread.id, thread);
      this.threadMembers.set(thread.id, new Set([this.bot.id]));
      this.gateway.dispatch('THREAD_CREATE', { ...channelObject(thread), owner_id: this.bot.id, newly_created: true });
      return ok({ ...channelObject(thread), owner_id: this.bot.id }, 201);
    });

    r.route('PUT', /^\/channels\/(\d+)\/thread-members\/(\d+)$/, (_req, [id, user]) => {
      const ch = this.channel(id);
      if ('status' in ch) return ch;
      if (!this.members.has(user)) return apiError(404, 10007, 'Unknown Member');
      this.threadMembers.get(id)?.add(user);
      return { status: 204 };
    });

    r.route('POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, (req, [id, token]) => {
      const i = this.interactions.get(id);
      if (!i || i.token !== token) return apiError(404, 10062, 'Unknown interaction');
      if (i.responses.length) return apiError(400, 40060, 'Interaction has already been acknowledged.');
      i.responses.push({ type: req.body?.type, data: req.body?.data });
      if (req.body?.type === 4) i.original = this.store(i.channelId, this.bot, req.body.data ?? {});
      return { status: 204 };
    }, { auth: false });

    r.route('PATCH', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/, (req, [, token]) => {
      const i = [...this.interactions.values()].find((x) => x.token === token);
      if (!i || i.responses.length === 0) return apiError(404, 10015, 'Unknown Webhook');
      i.original ??= this.store(i.channelId, this.bot, {});
      Object.assign(i.original, { content: req.body?.content ?? i.original.content, embeds: req.body?.embeds ?? i.original.embeds, components: req.body?.components ?? i.original.components });
      return ok(messageObject(i.original));
    }, { auth: false });

    r.route('POST', /^\/webhooks\/(\d+)\/([^/]+)$/, (req, [, token]) => {
      const i = [...this.interactions.values()].find((x) => x.token === token);
      if (!i || i.responses.length === 0) return apiError(404, 10015, 'Unknown Webhook');
      const m = this.store(i.channelId, this.bot, req.body ?? {});
      i.followUps.push(m);
      return ok(messageObject(m));
    }, { auth: false });

    const register = (req: Recorded): Answer => {
      this.registeredCommands.push({ path: req.path, body: req.body });
      return ok((req.body as object[]).map((c) => ({ ...c, id: snowflake(), application_id: this.appId, version: snowflake() })));
    };
    r.route('PUT', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, register);
    r.route('PUT', /^\/applications\/(\d+)\/commands$/, register);
  }
}

/** Text of an interaction's first answer (reply, or the edited deferral), for assertions. */
export function answerText(i: FakeInteraction): string | undefined {
  return i.original?.content ?? i.responses[0]?.data?.content;
}
