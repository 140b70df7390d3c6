// What every Slack listener needs. Listeners only translate: Slack payload in, service call, reply out.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Service } from '../../service/service.js';
import type { Identity } from './identity.js';
import type { SlackPeople } from './people.js';

export type SlackDeps = {
  service: Service;
  /** Bot-token client without SDK retries (the outbox and the caller decide). */
  client: webApi.WebClient;
  people: SlackPeople;
  identity: Identity;
  log: Logger;
};

/** Reaction names arrive with skin tones ("white_check_mark::skin-tone-2"); the policy names the base emoji. */
export function baseEmoji(name: string): string {
  return name.split('::')[0];
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
