// Turns Web API failures into the dispatcher's DeliveryError. The outbox owns retries (the client is
// built with retries: 0), so the only question here is: wait and retry, or record and give up?
import { webApi } from '@slack/bolt';
import { DeliveryError } from '../../service/port.js';

const { ErrorCode } = webApi;

/**
 * Platform errors that may go away by themselves. Every other `ok:false` answer is Slack saying
 * the request itself is wrong (no such channel, bot not in it, token revoked, bad blocks…):
 * retrying cannot help, so it is recorded as permanent.
 */
const TRANSIENT_PLATFORM = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'timeout']);

/** The permanent failures operators most need to act on; named so the log line says what to fix. */
export const HINTS: Record<string, string> = {
  channel_not_found: 'the channel does not exist or the bot cannot see it',
  not_in_channel: 'invite the Klaxon bot to the channel (or grant chat:write.public)',
  account_inactive: 'the bot token belongs to a deactivated user or an uninstalled app',
  is_archived: 'the channel is archived',
  invalid_auth: 'SLACK_BOT_TOKEN is not valid',
  token_revoked: 'SLACK_BOT_TOKEN was revoked',
  missing_scope: 'the app lacks a scope; reinstall it from manifests/slack-app.yaml',
};

type SlackErrorShape = { code?: string; data?: { error?: string; needed?: string }; retryAfter?: number; statusCode?: number; original?: Error };

/** The `error` of an ok:false answer, if that is what this is. */
export function platformError(e: unknown): string | undefined {
  const err = e as SlackErrorShape;
  return err?.code === ErrorCode.PlatformError ? err.data?.error : undefined;
}

export function toDeliveryError(e: unknown, method: string): DeliveryError {
  const err = (e ?? {}) as SlackErrorShape;
  switch (err.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError(`slack ${method}: rate limited, retry after ${err.retryAfter}s`, { retryAfterMs: Math.max(0, (err.retryAfter ?? 1) * 1000), global: true });
    case ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      const hint = HINTS[code] ? ` (${HINTS[code]})` : err.data?.needed ? ` (needs ${err.data.needed})` : '';
      return new DeliveryError(`slack ${method}: ${code}${hint}`, { permanent: !TRANSIENT_PLATFORM.has(code) });
    }
    case ErrorCode.HTTPError: {
      // Slack answers 200 for everything it understood; 5xx is an outage, other codes will not improve.
      // A 5xx (or 408) can come after Slack acted (a gateway failing on the way back): the post is
      // looked up before it is sent again, like a lost answer.
      const status = err.statusCode ?? 0;
      const permanent = status > 0 && status < 500 && status !== 408;
      return new DeliveryError(`slack ${method}: HTTP ${status}`, { permanent, maybeDelivered: !permanent });
    }
    case ErrorCode.RequestError:
      // The request may have reached Slack before the connection failed.
      return new DeliveryError(`slack ${method}: network error: ${err.original?.message ?? 'request failed'}`, { maybeDelivered: true });
    default:
      // Unknown failures are retried with backoff rather than losing the message.
      return new DeliveryError(`slack ${method}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
