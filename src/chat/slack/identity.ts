// Who the bot is (auth.test), learned once and remembered. Bolt would call auth.test in its
// constructor and keep a failed answer forever; here a failure is forgotten so the next event
// tries again, which lets Klaxon start while Slack is briefly unreachable.
import type { Authorize, webApi } from '@slack/bolt';
import { platformError } from './errors.js';

export type BotIdentity = { botId: string; botUserId: string; teamId?: string };

/**
 * Answers that mean the bot token itself is wrong: start-up stops and says so, and at runtime Slack
 * is marked failed. (missing_scope is about one method, so at runtime it fails only that message.)
 */
export const TOKEN_REFUSED = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'not_allowed_token_type']);
const FATAL = new Set([...TOKEN_REFUSED, 'missing_scope']);

export function isFatalAuthError(e: unknown): string | undefined {
  const code = platformError(e);
  return code && FATAL.has(code) ? code : undefined;
}

export class Identity {
  private known: BotIdentity | undefined;
  private pending: Promise<BotIdentity> | undefined;

  constructor(private readonly client: webApi.WebClient) {}

  get current(): BotIdentity | undefined {
    return this.known;
  }

  get(): Promise<BotIdentity> {
    if (this.known) return Promise.resolve(this.known);
    this.pending ??= this.client.auth
      .test()
      .then((r) => {
        this.known = { botId: r.bot_id ?? '', botUserId: r.user_id ?? '', teamId: r.team_id };
        return this.known;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** Bolt's authorize hook for a single-workspace app. */
  authorize(botToken: string): Authorize<boolean> {
    return async () => {
      const me = await this.get();
      return { botToken, botId: me.botId, botUserId: me.botUserId, teamId: me.teamId };
    };
  }
}
