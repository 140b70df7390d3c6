// The fake gateway: a WebSocket server speaking Discord's v10 JSON protocol without compression.
// HELLO on connect; IDENTIFY gets READY plus a GUILD_CREATE; heartbeats are acknowledged; every
// dispatch is numbered and kept, so a RESUME after a dropped connection replays what the client
// missed, as Discord does. Dispatches sent while nobody is connected wait for the resume.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { snowflake } from './snowflake.js';

export type Dispatch = { s: number; t: string; d: unknown };
export type GatewayHooks = {
  token: string;
  /** READY's `d` without session fields, and the GUILD_CREATEs that follow it. */
  ready: () => { d: Record<string, unknown>; guilds: unknown[] };
  heartbeatInterval?: number;
  /** Intent bits the application may not use (privileged intents left off in the portal): close 4014. */
  disallowedIntents?: number;
};

export class FakeGateway {
  readonly wss: WebSocketServer;
  url = '';
  /** Every frame the client sent, decoded: tests count IDENTIFY (op 2) and RESUME (op 6). */
  readonly received: { op: number; d: unknown }[] = [];
  private live: WebSocket | null = null;
  private session: { id: string; log: Dispatch[]; seq: number } | null = null;
  /** Events that happened while no session existed: Discord never delivers them. */
  readonly lost: { t: string; d: unknown }[] = [];
  /** Say nothing on connect (no HELLO), as a gateway that accepts TCP but never answers. */
  silent = false;
  /** Say HELLO but never answer IDENTIFY with READY. */
  noReady = false;

  constructor(private hooks: GatewayHooks) {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  async listen(): Promise<string> {
    if (!this.wss.address()) await once(this.wss, 'listening');
    this.url = `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
    return this.url;
  }

  get connected(): boolean {
    return this.live?.readyState === WebSocket.OPEN;
  }

  /** Every dispatch of the current session, in sequence order. */
  get events(): readonly Dispatch[] {
    return this.session?.log ?? [];
  }

  count(op: number): number {
    return this.received.filter((f) => f.op === op).length;
  }

  /** Sends (or, while disconnected, keeps for the resume) one event. Returns its sequence number. */
  dispatch(t: string, d: unknown): number {
    if (!this.session) {
      this.lost.push({ t, d });
      return -1;
    }
    const event = { s: ++this.session.seq, t, d };
    this.session.log.push(event);
    if (this.connected) this.send({ op: 0, ...event });
    return event.s;
  }

  /** Sends an already-delivered event again under a new sequence number (a duplicate delivery). */
  redeliver(s: number): void {
    const old = this.session?.log.find((e) => e.s === s);
    if (!old) throw new Error(`no event ${s}`);
    this.dispatch(old.t, old.d);
  }

  /** Drops the connection from the server side, as a network blip or a Discord restart would. */
  drop(code = 4000): void {
    this.live?.close(code, 'fake gateway dropped the connection');
    this.live = null;
  }

  /**
   * Ends the session as an outage longer than Discord keeps one does: the connection drops with
   * `code` and the session is forgotten, so a RESUME gets op 9 and the client identifies anew.
   * Events until then are lost.
   */
  endSession(code = 4009): void {
    this.session = null;
    this.live?.close(code, 'session ended');
    this.live = null;
  }

  /** Invalidates the session on a live connection (op 9, not resumable). */
  invalidate(): void {
    this.session = null;
    this.send({ op: 9, d: false });
  }

  /** The bot token is reset in the Developer Portal: the next IDENTIFY is refused with 4004. */
  resetToken(): void {
    this.hooks = { ...this.hooks, token: `${this.hooks.token}-reset` };
  }

  /** The TCP connection dies without a close frame: the client sees 1006 and resumes. */
  kill(): void {
    this.live?.terminate();
    this.live = null;
  }

  /** Asks the client to reconnect and resume (op 7), as Discord does before moving a session. */
  requestReconnect(): void {
    this.send({ op: 7, d: null });
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private send(payload: object): void {
    this.live?.send(JSON.stringify(payload));
  }

  private onConnection(ws: WebSocket): void {
    this.live?.terminate();
    this.live = ws;
    ws.on('message', (raw) => this.onFrame(ws, JSON.parse(String(raw)) as { op: number; d: any }));
    if (this.silent) return;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.hooks.heartbeatInterval ?? 41_250 } }));
  }

  private onFrame(ws: WebSocket, frame: { op: number; d: any }): void {
    this.received.push(frame);
    if (ws !== this.live) return;
    switch (frame.op) {
      case 1: // heartbeat
        this.send({ op: 11 });
        return;
      case 2: {
        // identify
        if (this.noReady) return;
        if (frame.d?.token !== this.hooks.token) {
          ws.close(4004, 'Authentication failed');
          return;
        }
        if ((Number(frame.d?.intents) & (this.hooks.disallowedIntents ?? 0)) !== 0) {
          ws.close(4014, 'Disallowed intent(s).');
          return;
        }
        this.session = { id: snowflake(), log: [], seq: 0 };
        const { d, guilds } = this.hooks.ready();
        this.dispatch('READY', { v: 10, ...d, session_id: this.session.id, resume_gateway_url: this.url, shard: [0, 1] });
        for (const g of guilds) this.dispatch('GUILD_CREATE', g);
        return;
      }
      case 6: {
        // resume: replay what the client has not seen, then RESUMED
        if (!this.session || frame.d?.session_id !== this.session.id) {
          this.send({ op: 9, d: false });
          return;
        }
        for (const e of this.session.log.filter((x) => x.s > Number(frame.d.seq))) this.send({ op: 0, ...e });
        this.send({ op: 0, s: this.session.seq, t: 'RESUMED', d: {} });
        return;
      }
      default:
        return;
    }
  }
}
