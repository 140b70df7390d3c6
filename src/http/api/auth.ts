// Bearer-token guard for /api/v1. Both sides are hashed first so timingSafeEqual always compares
// equal-length digests: the time taken says nothing about the token's length or its prefix.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type Handler, sendJson } from '../server.js';

export const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of a presented token with the digest of the expected one. */
export const tokenMatches = (given: string, expected: Buffer): boolean => timingSafeEqual(digest(given), expected);

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
}

export function bearerMatches(req: IncomingMessage, expected: Buffer): boolean {
  const token = bearerToken(req);
  return token !== undefined && tokenMatches(token, expected);
}

/**
 * Wraps API handlers. With no token configured the API does not exist (404), so an unset
 * variable can never mean "open to everyone".
 */
export function guard(token: string | undefined): (h: Handler) => Handler {
  const expected = token ? digest(token) : null;
  return (handler) => async (req, res, url) => {
    if (!expected) {
      sendJson(res, 404, { error: 'the API is off: set KLAXON_API_TOKEN to enable /api/v1' });
      return;
    }
    if (!bearerMatches(req, expected)) {
      sendJson(res, 401, { error: 'missing or wrong bearer token (Authorization: Bearer $KLAXON_API_TOKEN)' }, { 'www-authenticate': 'Bearer realm="klaxon"' });
      return;
    }
    await handler(req, res, url);
  };
}
