// One HTTP listener for everything: health, metrics, status page, API and Slack's events.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
export type Route = { method: string; path: string | RegExp; handler: Handler };

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class HttpServer {
  private readonly routes: Route[] = [];
  readonly server: Server;

  constructor(private readonly log: Logger) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  route(method: string, path: string | RegExp, handler: Handler): this {
    this.routes.push({ method, path, handler });
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matches = this.routes.filter((r) => (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)));
    const route = matches.find((r) => r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'));
    try {
      if (route) await route.handler(req, res, url);
      else if (matches.length) sendJson(res, 405, { error: `${req.method} is not allowed on ${url.pathname}` });
      else sendJson(res, 404, { error: `nothing at ${url.pathname}` });
    } catch (e) {
      this.log.error({ err: e, path: url.pathname }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }
}
