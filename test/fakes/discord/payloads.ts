// API object shapes the fake hands to discord.js: complete enough for its structures to build.
export type FakeUser = { id: string; username: string; bot?: boolean };
export type FakeChannel = { id: string; type: number; name?: string; topic?: string | null; parent_id?: string | null; guild_id?: string; recipients?: FakeUser[]; owner_id?: string };
export type FakeMessage = {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: ReturnType<typeof userObject>;
  content: string;
  embeds: unknown[];
  components: unknown[];
  message_reference?: { message_id: string; channel_id?: string };
  allowed_mentions?: unknown;
  timestamp: string;
  edited_timestamp: string | null;
  nonce?: string;
  /** emoji → who reacted with it. */
  reactions?: Map<string, Set<string>>;
};

export const CHANNEL = { GuildText: 0, DM: 1, PublicThread: 11, PrivateThread: 12 } as const;
export const isThread = (type: number) => type === 10 || type === 11 || type === 12;

export function userObject(u: FakeUser) {
  return { id: u.id, username: u.username, discriminator: '0', global_name: null, avatar: null, bot: u.bot ?? false };
}

export function memberObject(u: FakeUser, roles: string[] = []) {
  return {
    user: userObject(u), roles, nick: null, avatar: null, joined_at: '2026-01-01T00:00:00.000Z',
    deaf: false, mute: false, flags: 0, pending: false, permissions: '1099511627775',
  };
}

export function channelObject(c: FakeChannel) {
  const base: Record<string, unknown> = { id: c.id, type: c.type, flags: 0 };
  if (c.type === CHANNEL.DM) return { ...base, last_message_id: null, recipients: (c.recipients ?? []).map(userObject) };
  Object.assign(base, { guild_id: c.guild_id, name: c.name ?? c.id, position: 0, permission_overwrites: [], nsfw: false, parent_id: c.parent_id ?? null });
  if (isThread(c.type)) {
    Object.assign(base, {
      owner_id: undefined, message_count: 0, member_count: 1, rate_limit_per_user: 0,
      thread_metadata: { archived: false, auto_archive_duration: 10080, archive_timestamp: new Date().toISOString(), locked: false },
    });
  } else Object.assign(base, { topic: c.topic ?? null, rate_limit_per_user: 0, last_message_id: null });
  return base;
}

export function messageObject(m: FakeMessage) {
  return {
    id: m.id, channel_id: m.channel_id, ...(m.guild_id ? { guild_id: m.guild_id } : {}), author: m.author, content: m.content,
    timestamp: m.timestamp, edited_timestamp: m.edited_timestamp, tts: false, mention_everyone: false, mentions: [],
    mention_roles: [], attachments: [], embeds: m.embeds, components: m.components, pinned: false, type: m.message_reference ? 19 : 0,
    flags: 0, ...(m.message_reference ? { message_reference: { type: 0, ...m.message_reference } } : {}),
    ...(m.nonce ? { nonce: m.nonce } : {}),
    ...(m.reactions?.size ? { reactions: [...m.reactions].map(([name, users]) => ({ emoji: { id: null, name }, count: users.size, me: false })) } : {}),
  };
}
