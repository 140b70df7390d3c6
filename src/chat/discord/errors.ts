// Turns discord.js REST failures into the dispatcher's DeliveryError: a 4xx (Missing Access,
// Unknown Channel, closed DMs, a bad payload) will fail the same way again, so it is permanent;
// a rate limit long enough that discord.js handed it back carries its wait; the rest is transient.
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { DeliveryError } from '../../service/port.js';

/** Error codes worth naming in logs and /healthz (https://discord.com/developers/docs/topics/opcodes-and-status-codes). */
export const KNOWN_CODES: Record<number, string> = {
  10003: 'Unknown Channel',
  10007: 'Unknown Member',
  10008: 'Unknown Message',
  10013: 'Unknown User',
  50001: 'Missing Access',
  50007: 'Cannot send messages to this user',
  50013: 'Missing Permissions',
  50035: 'Invalid Form Body',
  50083: 'Thread is archived',
};

export function toDeliveryError(e: unknown, what: string): DeliveryError {
  if (e instanceof DeliveryError) return e;
  if (e instanceof RateLimitError) {
    const wait = Math.max(e.retryAfter, e.timeToReset, e.sublimitTimeout, 1000);
    return new DeliveryError(`${what}: rate limited${e.global ? ' (global)' : ''} for ${Math.round(wait / 1000)}s`, { retryAfterMs: wait, global: e.global });
  }
  if (e instanceof DiscordAPIError) {
    const name = typeof e.code === 'number' ? KNOWN_CODES[e.code] : undefined;
    const permanent = e.status >= 400 && e.status < 500 && e.status !== 429;
    return new DeliveryError(`${what}: ${e.status} ${e.code} ${name ?? e.message}`, { permanent });
  }
  if (e instanceof HTTPError) return new DeliveryError(`${what}: HTTP ${e.status} ${e.message}`);
  return new DeliveryError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/** True when discord.js rejected with this API error code. */
export function hasCode(e: unknown, code: number): boolean {
  return e instanceof DiscordAPIError && e.code === code;
}
