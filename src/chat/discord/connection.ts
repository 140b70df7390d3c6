// The gateway connection's lifecycle for the app and health. discord.js resumes a dropped session
// itself (Discord replays what was missed). This checks the token first (one REST call: a refused
// token stops start-up naming DISCORD_TOKEN), then logs in in the background so an unreachable or
// silent gateway never holds up start-up, keeps a readable state, and retries a login that could not
// reach Discord with capped backoff. A token refused later marks Discord failed; nothing else stops.
import { type Client, DiscordAPIError, DiscordjsErrorCodes, Events, Routes } from 'discord.js';
import type { Logger } from 'pino';
import { type Connection, type ConnectionHealth, describeHealth, type LinkState } from '../../service/port.js';
import type { DiscordAdapter } from './adapter.js';

const RETRY_MS = [2_000, 5_000, 15_000, 60_000];
/** Gateway close codes that mean Klaxon's own setup is wrong: reconnecting cannot help. */
const FATAL_CLOSE: Record<number, string> = {
  4004: 'DISCORD_TOKEN refused by the gateway (4004 authentication failed)',
  4013: 'invalid intents (4013)',
  4014: 'the Message Content intent is not enabled for the bot (4014): switch it on under Bot → Privileged Gateway Intents',
};

export type DiscordConnectionOptions = {
  /** How long start-up waits for a quick gateway refusal (intents) before carrying on in the background. */
  startWaitMs?: number;
  retryMs?: number[];
  /** Called once when Discord refuses the token after start-up. */
  onFailed?: (reason: string) => void;
  /** Called on every new gateway session (not on resumes); `first` is the one after start-up. */
  onSession?: (first: boolean) => void;
};

export class DiscordConnection implements Connection {
  /** The gateway session: with replicas, only the leader holds it (Discord would send each event to every session). */
  readonly leaderOnly = true;
  private status: LinkState = 'disconnected';
  private reason: string | undefined;
  private lastFault: string | undefined;
  private retry: NodeJS.Timeout | null = null;
  private attempts = 0;
  private stopped = false;
  private started = false;
  private sessions = 0;
  private loggingIn: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    private readonly token: string,
    private readonly adapter: DiscordAdapter,
    private readonly log: Logger,
    private readonly opts: DiscordConnectionOptions = {},
  ) {
    client.on(Events.ShardReady, () => {
      this.set('connected');
      this.attempts = 0;
      // READY is a new session: events sent while there was none are not replayed.
      this.opts.onSession?.(this.sessions++ === 0);
    });
    client.on(Events.ShardResume, (_id, replayed) => {
      this.set('connected');
      this.log.info({ replayed }, 'Discord gateway resumed');
    });
    client.on(Events.ShardReconnecting, () => this.set('reconnecting'));
    client.on(Events.ShardDisconnect, (e) => {
      const fatal = FATAL_CLOSE[e.code];
      if (fatal) this.refused(fatal);
      else this.set('reconnecting', `gateway closed ${e.code}`);
    });
    client.on(Events.Invalidated, () => this.set('reconnecting', 'session invalidated'));
    client.on(Events.ShardError, (e) => this.log.warn({ err: e }, 'Discord gateway error'));
    adapter.onTokenRefused = () => this.refused('DISCORD_TOKEN refused by Discord (401)');
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.set('connecting');
    await this.checkToken();
    const login = this.login();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([login, new Promise((r) => (timer = setTimeout(r, this.opts.startWaitMs ?? 3_000)))]).finally(() => clearTimeout(timer));
    if (this.status === 'failed') throw new Error(`Discord: ${this.reason}`);
    // discord.js keeps trying a gateway that does not answer; until it does, Discord is down.
    if (this.status === 'connecting') this.set('down', 'no READY from the Discord gateway yet; still trying');
    this.started = true;
  }

  /** GET /users/@me: a 401 stops start-up with one line; an unreachable Discord does not. */
  private async checkToken(): Promise<void> {
    this.client.rest.setToken(this.token);
    try {
      await this.client.rest.get(Routes.user('@me'));
    } catch (e) {
      if (e instanceof DiscordAPIError && e.status === 401) {
        this.set('failed', 'DISCORD_TOKEN refused');
        throw new Error('DISCORD_TOKEN: Discord rejected the bot token (401); copy it again from the Developer Portal, Bot page');
      }
      this.log.warn({ err: e }, 'Discord: could not check the token; connecting in the background');
    }
  }

  /** One login attempt in the background; a failure schedules the next. */
  private login(): Promise<void> {
    this.loggingIn ??= this.client
      .login(this.token)
      .then(() => undefined)
      .catch((e: unknown) => {
        const msg = e instanceof Error ? e.message : String(e);
        if ((e as { code?: string }).code === DiscordjsErrorCodes.TokenInvalid) return this.refused('DISCORD_TOKEN refused by Discord (401)');
        if (/disallowed intents/i.test(msg)) return this.refused(FATAL_CLOSE[4014]);
        this.scheduleRetry(e);
      })
      .finally(() => {
        this.loggingIn = null;
      });
    return this.loggingIn;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.adapter.dispose();
    // A gateway that never answered can leave discord.js waiting on its socket: do not wait long.
    await Promise.race([this.client.destroy().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
    this.set('disconnected');
  }

  /** A token or setup Discord refuses: `failed` until restart; told once to the other platform. */
  refused(reason: string): void {
    if (this.status === 'failed') return;
    this.set('failed', reason);
    this.log.error({ reason }, 'Discord refused Klaxon; Discord is marked failed, everything else keeps running');
    if (this.retry) clearTimeout(this.retry);
    if (this.started) this.opts.onFailed?.(reason);
  }

  fault(reason: string): void {
    this.lastFault = reason;
    this.log.error({ reason }, 'Discord: the SDK failed outside any request; kept running');
    if (this.status !== 'connected' && this.status !== 'failed' && !this.loggingIn && !this.retry && !this.stopped) this.scheduleRetry(new Error(reason));
  }

  health(): ConnectionHealth {
    const warnings: string[] = [];
    const err = this.adapter.lastPermanentError;
    if (err) warnings.push(`last delivery error ${err.at.toISOString()}: ${err.message}`);
    if (this.lastFault) warnings.push(`SDK error: ${this.lastFault}`);
    return { state: this.status, reason: this.status === 'connected' ? undefined : this.reason, warnings };
  }

  state(): string {
    return describeHealth(this.health());
  }

  private set(s: LinkState, reason?: string): void {
    // Failed stays failed (also once stopped): only a restart with a fixed token clears it.
    if (this.status === 'failed') return;
    this.status = s;
    this.reason = reason;
  }

  private scheduleRetry(e: unknown): void {
    if (this.stopped || this.status === 'failed') return;
    const steps = this.opts.retryMs ?? RETRY_MS;
    const wait = steps[Math.min(this.attempts++, steps.length - 1)];
    const why = e instanceof Error ? e.message : String(e);
    this.set('down', `retrying in ${wait / 1000}s: ${why}`);
    this.log.error({ err: e, retryInMs: wait }, 'could not connect to Discord');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.login();
    }, wait);
    this.retry.unref();
  }
}
