// Socket Mode without a deaf window. On its own, @slack/socket-mode answers Slack's routine
// `disconnect` (refresh_requested, warning) by closing the socket first and opening the next one
// 5 s later, notices a close the server never finishes only by ping timeouts, and lets an
// unrecoverable answer during a reconnect (invalid_auth, a 500) escape as an unhandled rejection.
// Here each WebSocket is a one-shot SocketModeClient with the SDK's reconnects off, and this link
// decides: on `disconnect` the next connection opens while the old one still delivers and is
// retired only after the new one's hello (Slack allows several connections per app); on a close it
// reconnects at once, then with capped backoff; a token Slack refuses stops the retries and marks
// the link failed. It is Bolt's receiver, so every connection feeds the same listeners.
import { type App, defaultProcessEventErrorHandler, type Logger as BoltLogger, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { errorText } from './deps.js';
import { platformError } from './errors.js';
import { type ClientOptions, sendingClientOptions } from './client.js';

/** apps.connections.open answers about the app token itself: retrying cannot fix them. */
export const FATAL_APP_TOKEN = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'not_allowed_token_type', 'team_disabled', 'user_removed_from_team']);
/** Waits between failed connection attempts; the first reconnect after a close is immediate. */
const BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
/** How often open sockets are checked for a close the server started but never finished. */
const WATCH_MS = 200;

export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'down' | 'failed' | 'disconnected';

export type SocketLinkOptions = {
  appToken: string;
  logger: BoltLogger;
  log: Logger;
  clientOptions: ClientOptions;
  dispatcher?: Dispatcher;
  /** A socket that has not said hello by then is given up and another opened. */
  helloTimeoutMs?: number;
  backoffMs?: number[];
  /** Called once when Slack refuses the app token (after start-up). */
  onFatal?: (code: string) => void;
};

type Conn = { n: number; client: SocketModeClient; retiring: boolean; closed: boolean };
type SlackEventArgs = { ack: (r?: Record<string, unknown>) => Promise<void>; body: Record<string, unknown>; retry_num?: number; retry_reason?: string };
type Internals = { onWebSocketMessage: (data: unknown, isBinary: boolean) => Promise<void>; websocket?: { readyState?: number }; connectionResponse?: { url?: string } };

export class SocketLink implements Receiver {
  state: LinkState = 'disconnected';
  /** Why the link is down or failed (the last error), for health. */
  reason: string | undefined;
  /** Socket Mode connections Slack counts for this app beyond Klaxon's own: another process shares the token. */
  strangers = 0;
  /** Closes seen and when the last socket went away (for health and tests). */
  readonly stats = { opened: 0, closed: 0, refreshes: 0 };
  private app: App | undefined;
  private readonly conns = new Set<Conn>();
  private opening: Promise<void> | null = null;
  private retry: NodeJS.Timeout | undefined;
  private watch: NodeJS.Timeout | undefined;
  private attempts = 0;
  private seq = 0;
  private stopped = true;

  constructor(private readonly o: SocketLinkOptions) {}

  init(app: App): void {
    this.app = app;
  }

  /**
   * Opens the first connection. Rejects only when Slack refuses the app token (start-up stops with
   * one line); any other failure leaves the link `down` and retrying in the background.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.state = 'connecting';
    this.watch = setInterval(() => this.checkSockets(), WATCH_MS);
    this.watch.unref();
    const fatal = await this.openNext(true);
    if (fatal) throw new Error(`SLACK_APP_TOKEN: Slack refused the Socket Mode connection (${fatal})`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.watch);
    await Promise.all([...this.conns].map((c) => this.close(c)));
    this.state = 'disconnected';
  }

  /** Live connections, i.e. not being retired. */
  get live(): number {
    return [...this.conns].filter((c) => !c.retiring && !c.closed).length;
  }

  /**
   * Opens one more connection (at most one attempt in flight); on failure schedules the next.
   * Resolves with the fatal code when the token was refused.
   */
  private openNext(first = false): Promise<string | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    if (this.opening) return this.opening.then(() => undefined);
    let fatal: string | undefined;
    this.opening = (async () => {
      try {
        const conn = await this.connect();
        if (this.stopped) {
          await this.close(conn);
          return;
        }
        this.attempts = 0;
        this.reason = undefined;
        this.state = 'connected';
        // Make before break: only now that the new socket said hello do the old ones go.
        for (const c of this.conns) if (c !== conn && c.retiring) void this.close(c);
      } catch (e) {
        fatal = this.failed(e, first);
      }
    })().finally(() => {
      this.opening = null;
    });
    return this.opening.then(() => fatal);
  }

  /** Records a failed attempt; returns the code when the token is refused, else schedules a retry. */
  private failed(e: unknown, first: boolean): string | undefined {
    const code = platformError(e);
    if (code && FATAL_APP_TOKEN.has(code)) {
      this.state = 'failed';
      this.reason = `SLACK_APP_TOKEN refused by Slack (${code})`;
      this.o.log.error({ error: code }, 'Slack: Socket Mode refused the app token; not retrying until restart');
      if (!first) this.o.onFatal?.(code);
      return code;
    }
    if (this.stopped) return undefined;
    const backoff = this.o.backoffMs ?? BACKOFF_MS;
    const retryAfter = (e as { retryAfter?: number }).retryAfter;
    const wait = Math.max(backoff[Math.min(this.attempts++, backoff.length - 1)], retryAfter ? retryAfter * 1000 : 0);
    if (this.live === 0) this.state = first ? 'down' : this.state === 'connected' ? 'reconnecting' : 'down';
    this.reason = errorText(e) || 'connection closed before hello';
    this.o.log.warn({ error: this.reason, retryInMs: wait }, 'Slack: Socket Mode connection failed; retrying');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.openNext(), wait);
    this.retry.unref();
    return undefined;
  }

  /** One WebSocket: apps.connections.open, then wait for hello. */
  private async connect(): Promise<Conn> {
    const client = new SocketModeClient({
      appToken: this.o.appToken,
      logger: this.o.logger,
      autoReconnectEnabled: false,
      dispatcher: this.o.dispatcher,
      // No SDK retries: a failed open comes back here, where the backoff and the token check live.
      clientOptions: sendingClientOptions(this.o.clientOptions),
    });
    const conn: Conn = { n: ++this.seq, client, retiring: false, closed: false };
    const internals = client as unknown as Internals;
    const original = internals.onWebSocketMessage.bind(client);
    client.removeAllListeners('ws_message');
    client.on('ws_message', (data: unknown, isBinary: boolean) => {
      const msg = parse(data, isBinary);
      if (msg?.type === 'disconnect') return this.onDisconnectAsked(conn, String(msg.reason ?? ''));
      if (msg?.type === 'hello') this.onHello(Number(msg.num_connections));
      return original(data, isBinary);
    });
    client.on('slack_event', (args: SlackEventArgs) => void this.deliver(args));
    client.on('disconnected', () => this.onClosed(conn));
    // The SDK logs socket errors itself and the close follows; the error says why for health.
    let socketError: unknown;
    client.on('error', (e: { original?: unknown }) => {
      socketError = e?.original ?? e;
    });
    this.conns.add(conn);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.start(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('Socket Mode said no hello in time')), this.o.helloTimeoutMs ?? 10_000);
        }),
      ]);
      this.stats.opened++;
      return conn;
    } catch (e) {
      conn.closed = true;
      this.conns.delete(conn);
      void client.disconnect().catch(() => undefined);
      const host = hostOf(internals.connectionResponse?.url);
      const why = socketError ? `WebSocket to ${host}: ${describeSocketError(socketError)}` : 'Socket Mode connection closed before hello';
      throw e ?? new Error(why);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Slack will close this socket soon: keep reading it, and open its successor now. */
  private onDisconnectAsked(conn: Conn, reason: string): void {
    this.o.log.info({ reason, connection: conn.n }, 'Slack asked Socket Mode to reconnect; opening the next connection first');
    conn.retiring = true;
    this.stats.refreshes++;
    void this.openNext();
  }

  private onHello(total: number): void {
    // Klaxon's own: every socket not yet closed, including this one (it is in `conns` already).
    const own = [...this.conns].filter((c) => !c.closed).length;
    const strangers = Number.isFinite(total) ? Math.max(0, total - own) : 0;
    if (strangers > 0 && this.strangers === 0) {
      this.o.log.error(
        { num_connections: total, own },
        'Slack: another process is connected with this SLACK_APP_TOKEN. Each Klaxon has its own SQLite database, so two of them split incidents and acks between them: run exactly one.',
      );
    }
    this.strangers = strangers;
  }

  private onClosed(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    this.conns.delete(conn);
    this.stats.closed++;
    if (this.stopped || this.state === 'failed') return;
    if (this.live > 0) return;
    // Health says so the moment the last live socket goes; the next one opens at once.
    this.state = 'reconnecting';
    this.o.log.warn({ connection: conn.n }, 'Slack: Socket Mode connection closed; reconnecting');
    void this.openNext();
  }

  /** A server close frame without the TCP close (as Slack does) leaves the socket CLOSING: treat it as closed. */
  private checkSockets(): void {
    for (const c of this.conns) {
      const rs = (c.client as unknown as Internals).websocket?.readyState;
      if (!c.closed && rs !== undefined && rs >= 2) {
        void c.client.disconnect().catch(() => undefined);
        this.onClosed(c);
      }
    }
  }

  private async close(c: Conn): Promise<void> {
    c.retiring = true;
    // The SDK waits up to 30 s for a close handshake a stalled peer never finishes; do not wait for it.
    await Promise.race([c.client.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 500).unref())]);
    this.onClosed(c);
  }

  private async deliver(args: SlackEventArgs): Promise<void> {
    let acked = false;
    const ack = async (response?: Record<string, unknown>) => {
      if (acked) return;
      acked = true;
      await args.ack(response);
    };
    const event: ReceiverEvent = { body: args.body, ack, retryNum: args.retry_num, retryReason: args.retry_reason, customProperties: {} };
    try {
      await this.app?.processEvent(event);
    } catch (error) {
      const ackAnyway = await defaultProcessEventErrorHandler({ error: error as Error, logger: this.o.logger, event }).catch(() => false);
      if (ackAnyway) await ack().catch(() => undefined);
    }
  }
}

/** undici's WebSocket errors often carry an empty message; the cause's code (ECONNREFUSED…) says more. */
function describeSocketError(e: unknown): string {
  const err = e as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return err.message || err.code || err.cause?.code || err.cause?.message || 'connection failed';
}

/** Host and port only: the URL's query is a one-time ticket. */
function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).host : 'Slack';
  } catch {
    return 'Slack';
  }
}

function parse(data: unknown, isBinary: boolean): Record<string, unknown> | undefined {
  if (isBinary) return undefined;
  try {
    return JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
