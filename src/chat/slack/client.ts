// The Web API client Klaxon sends with. Retries belong to the durable outbox, not the SDK:
// no automatic retries, and a 429 is thrown at once (with Retry-After) instead of being slept on,
// so one rate-limited call never holds up the dispatcher.
import { webApi, type Logger as BoltLogger } from '@slack/bolt';

export const DEFAULT_API_URL = 'https://slack.com/api/';
/** A hung Slack must not stall the outbox forever. */
const REQUEST_TIMEOUT_MS = 10_000;

export type ClientOptions = webApi.WebClientOptions;

/** Options shared by every client Klaxon builds (base URL and logging). */
export function baseClientOptions(apiUrl: string | undefined, logger: BoltLogger): ClientOptions {
  const slackApiUrl = apiUrl ? (apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`) : DEFAULT_API_URL;
  return { slackApiUrl, logger, timeout: REQUEST_TIMEOUT_MS };
}

export function sendingClientOptions(base: ClientOptions): ClientOptions {
  return { ...base, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
}

export function createClient(token: string, base: ClientOptions): webApi.WebClient {
  return new webApi.WebClient(token, sendingClientOptions(base));
}
