// Bolt, the Web API client and the Socket Mode client log through this bridge into Klaxon's pino
// logger. Every line is scrubbed first: Slack tokens (xox?-…, xapp-…) and the signing secret must
// never reach a log, whatever a library decides to print (error objects, request dumps, URLs).
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

const TOKEN = /\b(?:xox[a-z]-|xapp-)[A-Za-z0-9-]+/g;

export type Scrub = (text: string) => string;

/** Replaces Slack token shapes and the given literal secrets with [redacted]. */
export function scrubber(secrets: (string | undefined)[]): Scrub {
  const literals = secrets.filter((s): s is string => !!s && s.length >= 6);
  return (text) => {
    let out = text.replace(TOKEN, '[redacted]');
    for (const s of literals) out = out.split(s).join('[redacted]');
    return out;
  };
}

function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return `${part.name}: ${part.message}`;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}

const PINO_TO_BOLT: Record<string, LogLevel> = { trace: LogLevel.DEBUG, debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN };

/** A Bolt-shaped logger writing scrubbed single-string messages to pino (pino does the level filtering). */
export function boltLogger(log: Logger, scrub: Scrub): BoltLogger {
  const line = (parts: unknown[]) => scrub(parts.map(describe).join(' '));
  let level: LogLevel = PINO_TO_BOLT[log.level] ?? LogLevel.ERROR;
  return {
    debug: (...m: unknown[]) => log.isLevelEnabled('debug') && log.debug(line(m)),
    info: (...m: unknown[]) => log.isLevelEnabled('info') && log.info(line(m)),
    warn: (...m: unknown[]) => log.warn(line(m)),
    error: (...m: unknown[]) => log.error(line(m)),
    // Bolt asks for a level to pass on to the clients it builds; the real filter stays pino's.
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
