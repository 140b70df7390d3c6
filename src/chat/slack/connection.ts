// Lifecycle of the Slack side: learn who the bot is, then (Socket Mode) hold the WebSocket open.
// Over HTTP there is nothing to connect; Slack calls POST /slack/events on Klaxon's listener.
import type { App, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Connection } from '../../service/port.js';
import type { SlackAdapter } from './adapter.js';
import { errorText } from './deps.js';
import { platformError } from './errors.js';
import { type Identity, isFatalAuthError } from './identity.js';

const RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000];
/**
 * How long start-up waits for the WebSocket. The Socket Mode client may keep retrying for minutes
 * when Slack answers 5xx; Klaxon's scheduler must not wait for it, so after this it carries on
 * and the connection completes in the background.
 */
const START_WAIT_MS = 10_000;
/** apps.connections.open answers that a retry cannot fix. */
const FATAL_APP_TOKEN = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'not_allowed_token_type', 'account_inactive']);

export type ConnectionParts = {
  mode: 'http' | 'socket';
  bolt: App;
  identity: Identity;
  adapter: SlackAdapter;
  socket?: SocketModeReceiver;
  log: Logger;
};

export class SlackConnection implements Connection {
  private status = 'disconnected';
  private retry: NodeJS.Timeout | undefined;
  private attempts = 0;
  private stopped = false;

  constructor(private readonly p: ConnectionParts) {
    // The Socket Mode client reports connecting / connected / reconnecting / disconnected.
    for (const s of ['connecting', 'authenticated', 'connected', 'reconnecting', 'disconnecting', 'disconnected'] as const) {
      p.socket?.client.on(s, () => {
        this.status = s === 'authenticated' ? 'connecting' : s;
        if (s === 'connected') this.attempts = 0;
      });
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.status = 'connecting';
    try {
      const me = await this.p.identity.get();
      this.p.log.info({ botUserId: me.botUserId, team: me.teamId, mode: this.p.mode }, 'Slack: signed in');
    } catch (e) {
      const fatal = isFatalAuthError(e);
      if (fatal) throw new Error(`SLACK_BOT_TOKEN: Slack rejected the token (${fatal})`);
      // Slack unreachable at start: keep going; the first event or delivery will try again.
      this.p.log.warn({ error: errorText(e) }, 'Slack: auth.test failed; continuing and retrying on demand');
    }
    if (this.p.mode === 'http') {
      this.status = this.p.identity.current ? 'connected' : 'connecting';
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const first = this.connectSocket(true);
    const waited = await Promise.race([
      first.then(() => 'done' as const),
      new Promise<'waiting'>((r) => {
        timer = setTimeout(() => r('waiting'), START_WAIT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (waited === 'waiting') {
      this.p.log.warn('Slack: Socket Mode still connecting; carrying on and connecting in the background');
      first.catch((e: unknown) => this.p.log.error({ error: errorText(e) }, 'Slack: Socket Mode connection failed'));
    }
  }

  private async connectSocket(first: boolean): Promise<void> {
    if (this.stopped) return;
    try {
      await this.p.bolt.start();
    } catch (e) {
      const code = platformError(e);
      if (code && FATAL_APP_TOKEN.has(code)) {
        this.status = `error: ${code}`;
        // At start-up a wrong app token stops Klaxon with one clear line; later it is logged.
        if (first) throw new Error(`SLACK_APP_TOKEN: Slack refused the Socket Mode connection (${code})`);
        this.p.log.error({ error: code }, 'Slack: Socket Mode refused; not retrying');
        return;
      }
      const wait = RETRY_MS[Math.min(this.attempts++, RETRY_MS.length - 1)];
      this.status = 'disconnected';
      this.p.log.warn({ error: errorText(e), retryInMs: wait }, 'Slack: Socket Mode connection failed; retrying');
      this.retry = setTimeout(() => void this.connectSocket(false), wait);
      this.retry.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.p.mode === 'socket') await this.p.bolt.stop().catch(() => undefined);
    this.status = 'disconnected';
  }

  state(): string {
    const base = this.p.mode === 'http' && this.status === 'connecting' && this.p.identity.current ? 'connected' : this.status;
    const a = this.p.adapter;
    return a.permanentFailures > 0 ? `${base}; ${a.permanentFailures} permanent delivery failure(s), last: ${a.lastPermanentError}` : base;
  }
}
