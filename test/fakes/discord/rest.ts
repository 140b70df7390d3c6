// The fake REST API under /api/v10: the routes Klaxon and discord.js call, answering with full
// API objects. Every request is recorded; `failNext` injects errors (Missing Access, 429 with
// Retry-After, ...) for the next matching requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Recorded = { method: string; path: string; query: URLSearchParams; body: any; auth: string | undefined; at: number };
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
export type RouteHandler = (req: Recorded, params: string[]) => Answer;
type Failure = { method: string; path: RegExp; times: number; answer: Answer };
/** What happens after a matching request was carried out: another answer, a late one, or none. */
export type Aftermath = { answer?: Answer; delayMs?: number; hang?: boolean };
type After = { method: string; path: RegExp; times: number; then: Aftermath };

export class FakeRest {
  readonly server: Server;
  readonly requests: Recorded[] = [];
  private readonly routes: { method: string; path: RegExp; handler: RouteHandler; auth: boolean }[] = [];
  private readonly failures: Failure[] = [];
  private readonly afters: After[] = [];
  url = '';

  constructor(private readonly token: string) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** `auth: false` for the interaction callback and webhook routes, which Discord authorises by token in the path. */
  route(method: string, path: RegExp, handler: RouteHandler, opts: { auth?: boolean } = {}): this {
    this.routes.push({ method, path, handler, auth: opts.auth ?? true });
    return this;
  }

  failNext(method: string, path: RegExp, answer: Answer, times = 1): void {
    this.failures.push({ method, path, times, answer });
  }

  /**
   * The next matching requests are carried out (a message is stored) and then: answered with
   * `answer` instead (a 500 after the store), answered `delayMs` late, or never answered (`hang`).
   */
  afterNext(method: string, path: RegExp, then: Aftermath, times = 1): void {
    this.afters.push({ method, path, times, then });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = Buffer.concat(chunks).toString('utf8');
    const rec: Recorded = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname).replace(/^\/api\/v10/, ''),
      query: url.searchParams,
      body: text && String(req.headers['content-type']).startsWith('application/json') ? JSON.parse(text) : text || undefined,
      auth: req.headers.authorization,
      at: Date.now(),
    };
    this.requests.push(rec);
    const failure = this.failures.find((f) => f.method === rec.method && f.path.test(rec.path) && f.times > 0);
    if (failure) {
      failure.times--;
      return this.answer(res, failure.answer);
    }
    const hit = this.routes.map((r) => ({ r, m: r.method === rec.method ? r.path.exec(rec.path) : null })).find((x) => x.m);
    if (!hit) return this.answer(res, { status: 404, body: { message: '404: Not Found', code: 0 } });
    if (hit.r.auth && rec.auth !== `Bot ${this.token}`) return this.answer(res, { status: 401, body: { message: '401: Unauthorized', code: 0 } });
    try {
      const result = hit.r.handler(rec, hit.m!.slice(1));
      const after = this.afters.find((f) => f.method === rec.method && f.path.test(rec.path) && f.times > 0);
      if (after) {
        after.times--;
        if (after.then.hang) return;
        if (after.then.delayMs) {
          setTimeout(() => this.answer(res, after.then.answer ?? result), after.then.delayMs).unref();
          return;
        }
        if (after.then.answer) return this.answer(res, after.then.answer);
      }
      this.answer(res, result);
    } catch (e) {
      this.answer(res, { status: 500, body: { message: String(e), code: 0 } });
    }
  }

  private answer(res: ServerResponse, a: Answer): void {
    if (res.destroyed || res.writableEnded) return;
    // A 204 must carry no JSON content-type: discord.js would try to parse the empty body.
    if (a.status === 204 || a.body === undefined) {
      res.writeHead(a.status, a.headers ?? {});
      res.end();
      return;
    }
    const text = JSON.stringify(a.body);
    res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(a.headers ?? {}) });
    res.end(text);
  }
}

/** Discord's error body, e.g. apiError(403, 50001, 'Missing Access'). */
export const apiError = (status: number, code: number, message: string): Answer => ({ status, body: { message, code } });

/** A 429 as Discord sends it: Retry-After in seconds, the same in the body. */
export const rateLimited = (seconds: number, global = false): Answer => ({
  status: 429,
  body: { message: 'You are being rate limited.', retry_after: seconds, global },
  headers: { 'retry-after': String(seconds), ...(global ? { 'x-ratelimit-global': 'true' } : {}), 'x-ratelimit-scope': global ? 'global' : 'user' },
});
