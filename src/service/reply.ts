// What the service answers a command with: data, not platform text. Adapters render `text` or
// `body`; the HTTP API maps `error` to a status.
import type { ErrorKind, UserError } from './errors.js';
import type { MessageBody } from './port.js';

export type Reply = { ok: boolean; text: string; body?: MessageBody; /** Set when ok is false. */ error?: ErrorKind };

/** Where a command came from: the incident whose channel it was typed in, if any. */
export type Origin = { incident?: number };

/** A refusal as a reply: what was wrong, then the right form when there is one and it helps. */
export function refusal(e: UserError, opts: { usage?: boolean } = {}): Reply {
  const usage = opts.usage !== false && e.usage;
  return { ok: false, error: e.kind, text: usage ? `${e.message}\nUsage: ${e.usage}` : e.message };
}
