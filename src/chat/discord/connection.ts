// The gateway connection's lifecycle for the app and /healthz. discord.js resumes a dropped
// session itself (Discord replays what was missed); this only logs in, waits until the guilds
// are ready, keeps a readable state, and retries a start-up that could not reach Discord.
import { type Client, DiscordjsErrorCodes, Events } from 'discord.js';
import type { Logger } from 'pino';
import type { Connection } from '../../service/port.js';
import type { DiscordAdapter } from './adapter.js';

const RETRY_MS = [5_000, 15_000, 60_000, 300_000];

export class DiscordConnection implements Connection {
  private status = 'disconnected';
  private retry: NodeJS.Timeout | null = null;
  private attempts = 0;
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly token: string,
    private readonly adapter: DiscordAdapter,
    private readonly log: Logger,
    private readonly readyTimeoutMs = 30_000,
  ) {
    client.on(Events.ShardReady, () => this.set('connected'));
    client.on(Events.ShardResume, (_id, replayed) => {
      this.set('connected');
      this.log.info({ replayed }, 'Discord gateway resumed');
    });
    client.on(Events.ShardReconnecting, () => this.set('reconnecting'));
    client.on(Events.ShardDisconnect, (e) => this.set(`disconnected (gateway closed ${e.code})`));
    client.on(Events.Invalidated, () => this.set('disconnected (session invalidated)'));
    client.on(Events.ShardError, (e) => this.log.warn({ err: e }, 'Discord gateway error'));
  }

  /**
   * Logs in and waits for the guilds. A rejected token or intent stops start-up (neither fixes
   * itself); an unreachable Discord does not stop Klaxon's other platforms: it is retried in the
   * background.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.set('connecting');
    const ready = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.readyTimeoutMs).unref();
      this.client.once(Events.ClientReady, () => {
        clearTimeout(t);
        resolve();
      });
    });
    try {
      await this.client.login(this.token);
    } catch (e) {
      if ((e as { code?: string }).code === DiscordjsErrorCodes.TokenInvalid) {
        this.set('disconnected (token rejected)');
        await this.client.destroy().catch(() => undefined);
        throw new Error('DISCORD_TOKEN: Discord rejected the bot token (401); copy it again from the Developer Portal, Bot page');
      }
      if (/disallowed intents/i.test(e instanceof Error ? e.message : String(e))) {
        this.set('disconnected (privileged intent not enabled)');
        await this.client.destroy().catch(() => undefined);
        throw new Error('Discord refused the Message Content intent: switch on "Message Content Intent" under Bot → Privileged Gateway Intents in the Developer Portal');
      }
      this.scheduleRetry(e);
      return;
    }
    await ready;
    this.attempts = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.adapter.dispose();
    await this.client.destroy();
    this.set('disconnected');
  }

  state(): string {
    const err = this.adapter.lastPermanentError;
    return err ? `${this.status}; last delivery error ${err.at.toISOString()}: ${err.message}` : this.status;
  }

  private set(s: string): void {
    this.status = s;
  }

  private scheduleRetry(e: unknown): void {
    if (this.stopped) return;
    const wait = RETRY_MS[Math.min(this.attempts++, RETRY_MS.length - 1)];
    this.set(`disconnected (retrying in ${wait / 1000}s: ${e instanceof Error ? e.message : String(e)})`);
    this.log.error({ err: e, retryInMs: wait }, 'could not connect to Discord');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start().catch((err) => this.log.error({ err }, 'Discord start failed'));
    }, wait);
    this.retry.unref();
  }
}
