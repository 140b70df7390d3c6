// Lifecycle of the Slack side: learn who the bot is, then (Socket Mode) keep the WebSocket link up.
// Over HTTP there is nothing to connect; Slack calls POST /slack/events on Klaxon's listener.
// Token trouble is decided here: at start-up it stops Klaxon with one line naming the variable;
// later it marks Slack `failed` (health, log, one note on the other platform) and nothing else stops.
import type { Logger } from 'pino';
import { type Connection, type ConnectionHealth, describeHealth, type LinkState } from '../../service/port.js';
import type { SlackAdapter } from './adapter.js';
import { errorText } from './deps.js';
import { type Identity, isFatalAuthError } from './identity.js';
import type { SocketLink } from './socket-link.js';

export type ConnectionParts = {
  mode: 'http' | 'socket';
  identity: Identity;
  adapter: SlackAdapter;
  link?: SocketLink;
  log: Logger;
  /** Called once when Slack refuses a token after start-up (to tell people on the other platform). */
  onFailed?: (reason: string) => void;
  /** Waits between auth.test attempts while Slack is unreachable. */
  retryMs?: number[];
};

const IDENTITY_RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

export class SlackConnection implements Connection {
  private status: LinkState = 'disconnected';
  private failure: string | undefined;
  private lastFault: string | undefined;
  private started = false;
  private reason: string | undefined;
  private identityRetry: NodeJS.Timeout | undefined;
  private identityAttempts = 0;

  /** Socket Mode's WebSocket is held by the leader alone; over HTTP every replica serves Slack's requests. */
  get leaderOnly(): boolean {
    return this.p.mode === 'socket';
  }

  constructor(private readonly p: ConnectionParts) {
    p.adapter.onTokenRefused = (code) => this.refused(`SLACK_BOT_TOKEN refused by Slack (${code})`);
  }

  async start(): Promise<void> {
    this.status = 'connecting';
    this.failure = undefined;
    try {
      const me = await this.p.identity.get();
      this.p.log.info({ botUserId: me.botUserId, team: me.teamId, mode: this.p.mode }, 'Slack: signed in');
    } catch (e) {
      const fatal = isFatalAuthError(e);
      if (fatal) throw new Error(`SLACK_BOT_TOKEN: Slack rejected the token (${fatal})`);
      // Slack unreachable at start: keep going, down, and ask again in the background.
      this.unreachable(e);
    }
    if (this.p.link) await this.p.link.start();
    this.started = true;
  }

  /** auth.test could not reach Slack: `down` with the reason, asked again with capped backoff. */
  private unreachable(e: unknown): void {
    const steps = this.p.retryMs ?? IDENTITY_RETRY_MS;
    const wait = steps[Math.min(this.identityAttempts++, steps.length - 1)];
    this.status = 'down';
    this.reason = `Slack unreachable: ${errorText(e)}`;
    this.p.log.warn({ error: errorText(e), retryInMs: wait }, 'Slack: auth.test failed; continuing and trying again');
    clearTimeout(this.identityRetry);
    this.identityRetry = setTimeout(() => {
      this.p.identity
        .get()
        .then((me) => {
          this.p.log.info({ botUserId: me.botUserId, team: me.teamId, mode: this.p.mode }, 'Slack: signed in');
          if (this.status === 'down') this.status = 'connecting';
          this.reason = undefined;
        })
        .catch((err: unknown) => {
          const fatal = isFatalAuthError(err);
          if (fatal) this.refused(`SLACK_BOT_TOKEN refused by Slack (${fatal})`);
          else if (this.status !== 'disconnected') this.unreachable(err);
        });
    }, wait);
    this.identityRetry.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.identityRetry);
    this.started = false;
    await this.p.link?.stop().catch(() => undefined);
    this.status = 'disconnected';
  }

  /** A token refused at runtime: Slack is `failed` until someone fixes the token and restarts. */
  refused(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.p.log.error({ reason }, 'Slack: token refused; Slack is marked failed, everything else keeps running');
    if (this.started) this.p.onFailed?.(reason);
  }

  fault(reason: string): void {
    this.lastFault = reason;
    this.p.log.error({ reason }, 'Slack: the SDK failed outside any request; kept running');
  }

  health(): ConnectionHealth {
    const warnings: string[] = [];
    const link = this.p.link;
    if (link && link.strangers > 0) {
      warnings.push(`${link.strangers} other Socket Mode connection(s) use this SLACK_APP_TOKEN: another Klaxon with its own database is splitting incidents and acks with this one`);
    }
    const a = this.p.adapter;
    if (a.permanentFailures > 0) warnings.push(`${a.permanentFailures} permanent delivery failure(s), last: ${a.lastPermanentError}`);
    if (this.lastFault) warnings.push(`SDK error: ${this.lastFault}`);
    if (this.failure) return { state: 'failed', reason: this.failure, warnings };
    if (link && link.state !== 'disconnected' && this.status !== 'disconnected') {
      if (link.state === 'failed') return { state: 'failed', reason: link.reason, warnings };
      return { state: link.state, reason: link.state === 'connected' ? undefined : link.reason, warnings };
    }
    // Over HTTP Slack comes to Klaxon: it is connected once the bot knows who it is.
    const state = this.p.mode === 'http' && this.status === 'connecting' && this.p.identity.current ? 'connected' : this.status;
    return { state, reason: state === 'connected' ? undefined : this.reason, warnings };
  }

  state(): string {
    return describeHealth(this.health());
  }
}
