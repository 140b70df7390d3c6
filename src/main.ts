// `klaxon start`: the long-running bot.
import { ConsoleAdapter } from './chat/console/console-adapter.js';
import { runConsole } from './chat/console/repl.js';
import { discordEnabled, loadEnv, slackEnabled, type Env } from './config/env.js';
import { loadPolicy } from './config/policy/index.js';
import { KlaxonApp } from './app.js';
import { createLogger } from './log.js';
import { closeDb, type Db } from './store/db.js';
import { listenError, openDbAt } from './store/startup-errors.js';
import { acquireWriterLease, HEARTBEAT_MS, type Lease } from './store/lease.js';
import { systemClock } from './service/clock.js';
import { assertNoDrift } from './service/policy-drift.js';
import { mountHttp } from './http/routes.js';
import { attachPlatforms } from './chat/platforms.js';
import { installSafetyNet } from './chat/safety-net.js';

export async function start(opts: { console?: boolean } = {}): Promise<number> {
  const env = loadEnv();
  const policy = loadPolicy(env.policyPath);
  const log = createLogger(env.LOG_LEVEL);
  const db = openDbAt(env.KLAXON_DB);
  // Before anything is written: a second Klaxon on this file stops here, naming the first.
  const lease = takeLease(db, env.KLAXON_DB);
  await assertNoDrift(db, policy, env.policyPath);
  const app = new KlaxonApp({ env, policy, db, log });
  mountHttp(app.httpDeps());
  await attachPlatforms(app, env);
  installSafetyNet({ connections: app.connections, log });
  // `--no-console` (containers, systemd): Slack, Discord and HTTP only, whatever stdin is.
  const withConsole = opts.console ?? (!slackEnabled(env) && !discordEnabled(env));
  const adapter = new ConsoleAdapter(process.stdout);
  if (withConsole) app.addAdapter(adapter);
  await app.start().catch((e) => {
    throw listenError(e, env.HOST, env.PORT) ?? e;
  });
  process.stdout.write(banner(env, app, withConsole));

  let lost: (() => void) | undefined;
  const heartbeat = setInterval(() => {
    try {
      if (lease.heartbeat()) return;
      log.fatal('another process took over this database; stopping so that nothing is sent twice');
      lost?.();
    } catch (e) {
      log.warn({ err: e }, 'could not refresh the database lease; will try again');
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const stop = async () => {
    clearInterval(heartbeat);
    await app.stop();
    try {
      lease.release();
    } catch {
      // A lease left behind is taken over by the next start (same host) or expires (another host).
    }
    closeDb(db);
  };
  const stopped = new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(0));
    process.once('SIGTERM', () => resolve(0));
    lost = () => resolve(1);
  });
  if (withConsole) {
    const interactive = Boolean(process.stdin.isTTY);
    const lines = await Promise.race([runConsole(app, adapter, { input: process.stdin, output: process.stdout, interactive }), stopped.then(() => -1)]);
    // Piped commands (`printf ... | npm start`) end with their input. A container or service
    // manager gives no terminal and an empty stdin: that is not "the user left", so keep serving.
    if (lines === 0 && !interactive) {
      process.stdout.write('No terminal and no input: running without the console chat until stopped (SIGTERM or Ctrl-C). Use `klaxon start --no-console` to say so.\n');
      const code = await stopped;
      await stop();
      return code;
    }
    await stop();
    return 0;
  }
  const code = await stopped;
  await stop();
  return code;
}

function banner(env: Env, app: KlaxonApp, withConsole: boolean): string {
  const on = [...app.adapters.keys()];
  const lines = [
    'Klaxon — incident response bot',
    `  policy:   ${env.policyPath}`,
    `  database: ${env.KLAXON_DB}`,
    `  http:     http://${env.HOST}:${app.port} (/healthz, /status, /metrics${env.KLAXON_API_TOKEN ? ', /api/v1' : ''})`,
    `  adapters: ${on.join(', ') || 'none'}`,
  ];
  if (!slackEnabled(env)) lines.push('  Slack:    off — set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to connect');
  if (!discordEnabled(env)) lines.push('  Discord:  off — set DISCORD_TOKEN and DISCORD_APPLICATION_ID to connect');
  if (withConsole) lines.push('', 'Type /incident help. Try: /incident declare sev1 Checkout down');
  return lines.join('\n') + '\n';
}

function takeLease(db: Db, path: string): Lease {
  try {
    return acquireWriterLease(db, systemClock, { path });
  } catch (e) {
    closeDb(db);
    throw e;
  }
}
