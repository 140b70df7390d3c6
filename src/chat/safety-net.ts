// The last line of defence: an error a platform SDK throws from its own timers and sockets, outside
// any call Klaxon awaits (a reconnect that fails, a callback that throws), would end the process and
// take the scheduler, the other platform and the status page with it. Here it is logged and that
// platform's connection is marked instead. An uncaught exception no SDK owns still ends the process:
// Klaxon's own state could be half-written, and the supervisor restarts it.
import type { Logger } from 'pino';
import type { Connection, Platform } from '../service/port.js';

const SDK: [Exclude<Platform, 'console'>, RegExp][] = [
  ['slack', /[\\/]@slack[\\/]|[\\/]src[\\/]chat[\\/]slack[\\/]/],
  ['discord', /[\\/](discord\.js|@discordjs|@sapphire|@vladfrangu)[\\/]|[\\/]src[\\/]chat[\\/]discord[\\/]/],
];

/** The platform whose SDK (or Klaxon's code for it) an error came from, by its stack or its SDK's error codes. */
export function platformOf(e: unknown): Exclude<Platform, 'console'> | undefined {
  const err = e as { stack?: string; code?: unknown; name?: string; cause?: unknown } | undefined;
  if (typeof err?.code === 'string' && err.code.startsWith('slack_')) return 'slack';
  if (err?.name && /^(DiscordAPIError|HTTPError|RateLimitError|DiscordjsError)/.test(err.name)) return 'discord';
  const stacks = [err?.stack, (err?.cause as { stack?: string } | undefined)?.stack].filter((s): s is string => typeof s === 'string');
  for (const [platform, re] of SDK) if (stacks.some((s) => re.test(s))) return platform;
  return undefined;
}

export type SafetyNetDeps = {
  connections: Map<Platform, Connection>;
  log: Logger;
  /** How an unowned uncaught exception ends the process (injectable for tests). */
  exit?: (code: number) => void;
};

/** What happens to one escaped error: 'marked' (a platform's), 'logged' (a stray rejection) or 'exit'. */
export function handleEscaped(d: SafetyNetDeps, e: unknown, kind: 'unhandledRejection' | 'uncaughtException'): 'marked' | 'logged' | 'exit' {
  const platform = platformOf(e);
  const message = e instanceof Error ? e.message : String(e);
  if (platform) {
    d.log.error({ err: e, platform, kind }, `${platform} SDK error escaped; ${platform} marked, Klaxon keeps running`);
    d.connections.get(platform)?.fault?.(message.slice(0, 300));
    return 'marked';
  }
  if (kind === 'unhandledRejection') {
    d.log.error({ err: e, kind }, 'unhandled promise rejection; Klaxon keeps running');
    return 'logged';
  }
  d.log.fatal({ err: e, kind }, 'uncaught exception outside any platform SDK; exiting so the supervisor restarts Klaxon');
  (d.exit ?? ((code: number) => process.exit(code)))(1);
  return 'exit';
}

/** Installs the process handlers; returns a function that removes them. */
export function installSafetyNet(d: SafetyNetDeps): () => void {
  const onRejection = (reason: unknown) => void handleEscaped(d, reason, 'unhandledRejection');
  const onException = (err: unknown) => void handleEscaped(d, err, 'uncaughtException');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
