// A fake Socket Mode server: apps.connections.open (on the fake Web API) hands out its ws:// URL,
// it greets each connection with `hello`, pushes envelopes and resolves when the client acks them.
// The `ws` server answers the client's pings itself.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './web-api.js';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export class FakeSocketMode {
  private wss?: WebSocketServer;
  private socket?: WebSocket;
  private waiting = new Map<string, (payload: unknown) => void>();
  private connectedWaiters: (() => void)[] = [];
  connections = 0;
  port = 0;

  async start(slack: FakeSlack): Promise<this> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss!.once('listening', () => r()));
    this.port = (this.wss.address() as AddressInfo).port;
    let ticket = 0;
    slack.socketUrl = () => `ws://127.0.0.1:${this.port}/link/?ticket=${++ticket}`;
    this.wss.on('connection', (ws) => {
      this.connections++;
      this.socket = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) this.waiting.get(msg.envelope_id)?.(msg.payload ?? {});
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'AFAKE' } }));
      for (const w of this.connectedWaiters.splice(0)) w();
    });
    return this;
  }

  /** Resolves once a client has connected (and been sent hello). */
  connected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((r) => this.connectedWaiters.push(r));
  }

  /** Pushes one envelope and resolves with the payload the client acked it with. */
  send(type: EnvelopeType, payload: Record<string, unknown>, opts: { retryAttempt?: number; timeoutMs?: number } = {}): Promise<unknown> {
    if (!this.socket) throw new Error('no Socket Mode client connected');
    const envelope_id = randomUUID();
    const acked = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envelope ${type} not acked`)), opts.timeoutMs ?? 3000);
      this.waiting.set(envelope_id, (p) => {
        clearTimeout(timer);
        this.waiting.delete(envelope_id);
        resolve(p);
      });
    });
    this.socket.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryAttempt ? 'timeout' : '' } : {}),
      }),
    );
    return acked;
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}
