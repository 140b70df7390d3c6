// The discord.js client Klaxon runs: the intents and partials it needs, and REST settings that
// leave every retry and every wait to the outbox. discord.js on its own re-sends a message after a
// 5xx or a timeout (a second copy when Discord had stored the first) and sleeps through 429s
// inside the call (stalling every delivery queued behind it). Here it tries once, with a timeout,
// and hands each rate limit back as an error: the dispatcher retries later with the same nonce,
// and a limited route waits alone.
import { Client, GatewayIntentBits, Partials, type RateLimitData } from 'discord.js';
import { fetchVia, type ProxyEnv, proxyDispatcher } from '../proxy.js';

export type ClientOptions = {
  /** REST base, e.g. http://127.0.0.1:P/api for a local fake (discord.js adds /v10). */
  api?: string;
  /** Per-request timeout: a hung Discord fails the call instead of holding the outbox. */
  requestTimeoutMs?: number;
  /** Proxy settings for REST (HTTPS_PROXY / NO_PROXY). */
  proxy?: ProxyEnv;
  /**
   * Discord allows one IDENTIFY per 5 s; discord.js spaces them out. A local fake gateway has no
   * such limit, so tests switch the spacing off to see a new session at once.
   */
  identifySpacing?: boolean;
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

/**
 * Interaction answers must go within 3 seconds and are not limited like bot calls: let
 * discord.js wait for those. Every other limit comes back to the caller at once.
 */
export function rejectsOnRateLimit(d: Pick<RateLimitData, 'route'>): boolean {
  return !/^\/(interactions|webhooks)\//.test(d.route);
}

export function createClient(opts: ClientOptions = {}): Client {
  const dispatcher = opts.proxy ? proxyDispatcher(opts.proxy) : undefined;
  return new Client({
    intents: INTENTS,
    partials: PARTIALS,
    allowedMentions: { parse: ['users'] },
    ...(opts.identifySpacing === false ? { ws: { buildIdentifyThrottler: async () => ({ waitForIdentify: async () => undefined }) } } : {}),
    rest: {
      ...(opts.api ? { api: opts.api } : {}),
      timeout: opts.requestTimeoutMs ?? 10_000,
      retries: 0,
      rejectOnRateLimit: (d: RateLimitData) => rejectsOnRateLimit(d),
      ...(dispatcher ? { makeRequest: fetchVia(dispatcher) as never } : {}),
    },
  });
}
