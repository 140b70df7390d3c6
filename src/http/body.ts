// Reads a JSON request body with a size cap, so a client cannot make Klaxon buffer without limit.
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 64 * 1024;

/** A request the caller got wrong; routes turn it into a 4xx JSON `{error}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body as text, refused with a 413 as soon as it passes `limit` bytes. */
export async function readText(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body: larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonText(text: string): unknown {
  if (!text.trim()) throw new HttpError(400, 'body: expected a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body: not valid JSON');
  }
}

export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  return parseJsonText(await readText(req, limit));
}
