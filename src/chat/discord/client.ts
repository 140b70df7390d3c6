// The discord.js client Klaxon runs: the intents and partials it needs, and REST settings that
// keep a rate limit or a hung request from holding the outbox dispatcher for long.
import { Client, GatewayIntentBits, Partials, type RateLimitData } from 'discord.js';

export type ClientOptions = {
  /** REST base, e.g. http://127.0.0.1:P/api for a local fake (discord.js adds /v10). */
  api?: string;
  /**
   * discord.js sleeps through a 429 and retries by itself. Waits up to this long are left to it;
   * longer ones (a global limit, a channel-rename limit) come back to the dispatcher, which keeps
   * the message and tries again after Retry-After instead of blocking every delivery meanwhile.
   */
  maxRateLimitWaitMs?: number;
  /** Per-request timeout and retries on 5xx/timeouts, bounding the worst case per message. */
  requestTimeoutMs?: number;
  retries?: number;
};

export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  // Privileged: support auto-replies read what people wrote (keywords). Switch it on in the portal.
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.DirectMessageReactions,
];

// Without these, events about messages and channels discord.js has not cached are dropped.
export const PARTIALS = [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User];

export function createClient(opts: ClientOptions = {}): Client {
  const maxWait = opts.maxRateLimitWaitMs ?? 5000;
  return new Client({
    intents: INTENTS,
    partials: PARTIALS,
    allowedMentions: { parse: ['users'] },
    rest: {
      ...(opts.api ? { api: opts.api } : {}),
      timeout: opts.requestTimeoutMs ?? 10_000,
      retries: opts.retries ?? 2,
      rejectOnRateLimit: (d: RateLimitData) => Math.max(d.retryAfter, d.timeToReset, d.sublimitTimeout) > maxWait,
    },
  });
}
