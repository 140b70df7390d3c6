// A fault-injecting HTTP proxy on 127.0.0.1, standing between Klaxon and a fake platform API (the
// fake Slack Web API, the fake Discord REST): Klaxon is pointed at the proxy instead of the fake.
// Each rule matches requests by route (`METHOD /path`) and, for its next `count` matches, answers
// 500 (before or after the platform acted), or 429 with Retry-After, or passes the request on and
// holds the answer back (a slow platform: the fake has already acted when Klaxon is still
// waiting). What it did is recorded, so a test can print how many faults it injected.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `route` is tested against `METHOD /path?query`: a RegExp, or any object with a test function. */
export type Fault = { route: { test(route: string): boolean }; count?: number } & (
  | { status: 500; /** The platform acted on the request first: only its answer is lost to a 500 (a gateway failing on the way back). */ afterAccepted?: boolean }
  | { status: 429; retryAfter: number; global?: boolean }
  | { delayMs: number }
);

/** `at`: when the request reached the proxy (Date.now()). */
export type Seen = { route: string; fault: '500' | '429' | 'slow' | null; status: number; at: number };

type Rule = Fault & { left: number };

export class FaultProxy {
  readonly seen: Seen[] = [];
  /** Requests passed on whose answer has not reached Klaxon yet. */
  inFlight = 0;
  /** Of those, answers the platform has given and a slow rule is holding back. */
  holding = 0;
  private rules: Rule[] = [];

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
    /** The base URL to give Klaxon: the target's, with the proxy's host and port. */
    readonly url: string,
  ) {}

  /** Starts a proxy in front of `targetUrl` (e.g. the fake Slack's http://127.0.0.1:P/api/). */
  static async start(targetUrl: string): Promise<FaultProxy> {
    const target = new URL(targetUrl);
    let proxy!: FaultProxy;
    const server = createServer((req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    proxy = new FaultProxy(server, target, `http://127.0.0.1:${port}${target.pathname}`);
    return proxy;
  }

  /** Adds a fault for the next `count` matching requests (all of them if no count); returns its removal. */
  inject(fault: Fault): () => void {
    const rule: Rule = { ...fault, left: fault.count ?? Infinity };
    this.rules.push(rule);
    return () => {
      this.rules = this.rules.filter((r) => r !== rule);
    };
  }

  /** Removes every fault: the platform is healthy again. */
  heal(): void {
    this.rules = [];
  }

  /** How many requests got each fault. */
  counts(): Record<'500' | '429' | 'slow', number> {
    const n = { '500': 0, '429': 0, slow: 0 };
    for (const s of this.seen) if (s.fault) n[s.fault]++;
    return n;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = `${req.method} ${req.url}`;
    const at = Date.now();
    const rule = this.rules.find((r) => r.left > 0 && r.route.test(route));
    if (rule) rule.left--;
    if (rule && 'status' in rule) {
      if (rule.status === 500 && rule.afterAccepted) await this.forward(req).catch(() => undefined);
      else req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      let body: object = { ok: false, error: 'internal_error', message: 'injected 500', code: 0 };
      if (rule.status === 429) {
        // As both platforms send it: Retry-After in seconds, Discord's scope headers and body too.
        headers['retry-after'] = String(rule.retryAfter);
        headers['x-ratelimit-scope'] = rule.global ? 'global' : 'user';
        if (rule.global) headers['x-ratelimit-global'] = 'true';
        body = { ok: false, error: 'ratelimited', message: 'You are being rate limited.', retry_after: rule.retryAfter, global: Boolean(rule.global) };
      }
      this.seen.push({ route, fault: rule.status === 429 ? '429' : '500', status: rule.status, at });
      res.writeHead(rule.status, headers).end(JSON.stringify(body));
      return;
    }
    const delayMs = rule && 'delayMs' in rule ? rule.delayMs : 0;
    this.inFlight++;
    try {
      const answer = await this.forward(req);
      // The platform has acted; its answer is slow to come back.
      if (delayMs) {
        this.holding++;
        await new Promise((r) => setTimeout(r, delayMs)).finally(() => this.holding--);
      }
      this.seen.push({ route, fault: delayMs ? 'slow' : null, status: answer.status, at });
      res.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (e) {
      this.seen.push({ route, fault: null, status: 502, at });
      res.writeHead(502).end(String(e));
    } finally {
      this.inFlight--;
    }
  }

  private forward(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.target.host };
      const out = request({ host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const h: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection') h[k] = v;
          resolve({ status: r.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
        });
        r.on('error', reject);
      });
      out.on('error', reject);
      req.pipe(out);
    });
  }
}
