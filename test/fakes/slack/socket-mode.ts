// A fake Socket Mode server: apps.connections.open (on the fake Web API) hands out its ws:// URL,
// it greets each connection with `hello` (num_connections counts every open one, as Slack does),
// pushes envelopes and resolves when the client acks them. Like Slack it delivers each envelope to
// one connection it has not told to go away; with none, the envelope waits (Slack retries it later)
// and the wait is recorded: that is the client's deaf window. Faults: `disconnect` messages
// (refresh_requested, warning), a TCP reset, and a close frame with the TCP connection kept open.
// The `ws` server answers the client's pings itself.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './web-api.js';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

type Conn = { ws: WebSocket; n: number; leaving: boolean; dead: boolean };
type Pending = { id: string; frame: string; sentTo?: Conn; queuedAt: number; waitedMs?: number };

export class FakeSocketMode {
  private wss?: WebSocketServer;
  private conns: Conn[] = [];
  private waiting = new Map<string, (payload: unknown) => void>();
  private queue: Pending[] = [];
  private connectedWaiters: (() => void)[] = [];
  /** Connections from other processes Slack would also count in num_connections. */
  strangers = 0;
  connections = 0;
  /** How long each envelope waited for a connection to deliver it to (ms). */
  readonly waits: number[] = [];
  /** Envelope ids and how many times the client acked each. */
  readonly acks = new Map<string, number>();
  port = 0;

  async start(slack: FakeSlack): Promise<this> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss!.once('listening', () => r()));
    this.port = (this.wss.address() as AddressInfo).port;
    let ticket = 0;
    slack.socketUrl = () => `ws://127.0.0.1:${this.port}/link/?ticket=${++ticket}`;
    this.wss.on('connection', (ws) => {
      const conn: Conn = { ws, n: ++this.connections, leaving: false, dead: false };
      this.conns.push(conn);
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (!msg.envelope_id) return;
        this.acks.set(msg.envelope_id, (this.acks.get(msg.envelope_id) ?? 0) + 1);
        this.waiting.get(msg.envelope_id)?.(msg.payload ?? {});
      });
      ws.on('close', () => {
        conn.dead = true;
        // Envelopes sent on a socket that died unacked are sent again on another (Slack's retry).
        for (const p of this.queue) if (p.sentTo === conn && this.waiting.has(p.id)) p.sentTo = undefined;
        this.flush();
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: this.open().length + this.strangers, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'AFAKE' } }));
      this.flush();
      for (const w of this.connectedWaiters.splice(0)) w();
    });
    return this;
  }

  /** Connections that are open and not told to go away: the ones envelopes go to. */
  private open(): Conn[] {
    return this.conns.filter((c) => !c.dead && !c.leaving && c.ws.readyState === 1);
  }

  get openCount(): number {
    return this.conns.filter((c) => !c.dead && c.ws.readyState === 1).length;
  }

  /** Resolves once a client has connected (and been sent hello). */
  connected(): Promise<void> {
    if (this.open().length) return Promise.resolve();
    return new Promise((r) => this.connectedWaiters.push(r));
  }

  /** Resolves once a connection newer than `after` is open. */
  async connectedAfter(after: number): Promise<void> {
    while (!this.open().some((c) => c.n > after)) await new Promise<void>((r) => this.connectedWaiters.push(r));
  }

  /** Pushes one envelope and resolves with the payload the client acked it with. */
  send(type: EnvelopeType, payload: Record<string, unknown>, opts: { retryAttempt?: number; timeoutMs?: number } = {}): Promise<unknown> {
    const envelope_id = randomUUID();
    const acked = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envelope ${type} not acked`)), opts.timeoutMs ?? 3000);
      this.waiting.set(envelope_id, (p) => {
        clearTimeout(timer);
        this.waiting.delete(envelope_id);
        resolve(p);
      });
    });
    const frame = JSON.stringify({
      envelope_id,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryAttempt ? 'timeout' : '' } : {}),
    });
    this.queue.push({ id: envelope_id, frame, queuedAt: performance.now() });
    this.flush();
    return acked;
  }

  /** Sends every waiting envelope to the newest connection that may receive it. */
  private flush(): void {
    const target = this.open().at(-1);
    if (!target) return;
    for (const p of this.queue) {
      if (p.sentTo || !this.waiting.has(p.id)) continue;
      p.sentTo = target;
      if (p.waitedMs === undefined) {
        p.waitedMs = performance.now() - p.queuedAt;
        this.waits.push(p.waitedMs);
      }
      target.ws.send(p.frame);
    }
    this.queue = this.queue.filter((p) => this.waiting.has(p.id));
  }

  private newest(): Conn {
    const c = this.conns.filter((x) => !x.dead).at(-1);
    if (!c) throw new Error('no Socket Mode client connected');
    return c;
  }

  /** Slack's routine `disconnect`: the client should reconnect; this socket closes `closeAfterMs` later. */
  askToReconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested', closeAfterMs = 200): void {
    const c = this.newest();
    c.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
    c.leaving = true;
    const t = setTimeout(() => c.ws.close(1000), closeAfterMs);
    t.unref();
  }

  /** The TCP connection is reset under the newest socket. */
  reset(): void {
    this.newest().ws.terminate();
  }

  /** A close frame, then silence: the TCP connection is never closed (as real Slack does). */
  closeKeepingTcp(): void {
    const c = this.newest();
    c.leaving = true;
    const socket = (c.ws as unknown as { _socket: Socket })._socket;
    socket.removeAllListeners('data');
    socket.write(Buffer.from([0x88, 0x02, 0x03, 0xe8]));
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    for (const c of this.conns) (c.ws as unknown as { _socket?: Socket })._socket?.destroy();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}
