// Requests signed exactly as Slack signs them: v0=hex(HMAC_SHA256(secret, "v0:" + ts + ":" + rawBody)).
import { createHmac } from 'node:crypto';
import { request, Agent } from 'node:http';

export function slackSignature(secret: string, timestamp: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export type SignedOptions = {
  secret: string;
  contentType?: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Overrides the computed signature (forgeries). */
  signature?: string;
  retryNum?: number;
  agent?: Agent;
};

export type SignedResponse = { status: number; body: string; ms: number };

/** POSTs a raw body with Slack's signing headers and resolves with the status and how long it took. */
export function postSigned(url: string, rawBody: string, o: SignedOptions): Promise<SignedResponse> {
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string | number> = {
    'content-type': o.contentType ?? FORM,
    'content-length': Buffer.byteLength(rawBody),
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': o.signature ?? slackSignature(o.secret, ts, rawBody),
  };
  if (o.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(o.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: o.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(rawBody);
  });
}
