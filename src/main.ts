// `klaxon start`: the long-running bot.
import { ConsoleAdapter } from './chat/console/console-adapter.js';
import { runConsole } from './chat/console/repl.js';
import { discordEnabled, loadEnv, slackEnabled, type Env } from './config/env.js';
import { loadPolicy } from './config/policy/index.js';
import { KlaxonApp } from './app.js';
import { createLogger } from './log.js';
import type { Logger } from 'pino';
import { closeDb, type Db } from './store/db.js';
import { listenError, openDbAt } from './store/startup-errors.js';
import { acquireWriterLease, HEARTBEAT_MS, type Lease } from './store/lease.js';
import { systemClock } from './service/clock.js';
import { assertNoDrift } from './service/policy-drift.js';
import { mountHttp } from './http/routes.js';
import { attachPlatforms } from './chat/platforms.js';
import { installSafetyNet } from './chat/safety-net.js';
import { openStore } from './store/open.js';
import type { Leadership } from './store/leader.js';
import { redactUrl } from './store/url.js';
import { defaultReplicaId } from './config/replica.js';

/** The database `start` runs on, held for as long as it runs. */
type Held = {
  db: Db;
  /** The banner's database line. */
  describe: string;
  /** With PostgreSQL: this replica's part in the election (the app does the leader's work only while it leads). */
  leadership?: Leadership;
  /** With PostgreSQL: wakes the leader after this standby queued something. */
  wakeLeader?: () => void;
  /** Calls `lost` if another process takes this database over (SQLite's writer lease). */
  watch(lost: () => void): void;
  close(): Promise<void>;
};

export async function start(opts: { console?: boolean } = {}): Promise<number> {
  const env = loadEnv();
  const policy = loadPolicy(env.policyPath);
  const log = createLogger(env.LOG_LEVEL);
  // Relays the election's news (and other replicas' wake-ups) to the app, which exists only once the store is open.
  const relay = { leadershipChanged: () => {}, wake: () => {} };
  const held = env.KLAXON_DATABASE_URL ? await holdPostgres(env, env.KLAXON_DATABASE_URL, log, relay) : holdSqlite(env.KLAXON_DB, log);
  let app: KlaxonApp;
  try {
    await assertNoDrift(held.db, policy, env.policyPath);
    const lead = held.leadership;
    app = new KlaxonApp({ env, policy, db: held.db, log, leadership: lead, wakeLeader: held.wakeLeader });
  } catch (e) {
    await held.close();
    throw e;
  }
  relay.leadershipChanged = () => void app.leadershipChanged();
  relay.wake = () => app.wake();
  mountHttp(app.httpDeps());
  await attachPlatforms(app, env);
  installSafetyNet({ connections: app.connections, log });
  // `--no-console` (containers, systemd): Slack, Discord and HTTP only, whatever stdin is.
  const withConsole = opts.console ?? (!slackEnabled(env) && !discordEnabled(env));
  const adapter = new ConsoleAdapter(process.stdout);
  if (withConsole) app.addAdapter(adapter);
  await app.start().catch(async (e) => {
    await held.close();
    throw listenError(e, env.HOST, env.PORT) ?? e;
  });
  process.stdout.write(banner(env, app, held, withConsole));

  let lost: (() => void) | undefined;
  held.watch(() => lost?.());
  const stop = async () => {
    await app.stop();
    await held.close();
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

function banner(env: Env, app: KlaxonApp, held: Held, withConsole: boolean): string {
  const on = [...app.adapters.keys()];
  const lines = [
    'Klaxon — incident response bot',
    `  policy:   ${env.policyPath}`,
    `  database: ${held.describe}`,
    `  http:     http://${env.HOST}:${app.port} (/healthz, /status, /metrics${env.KLAXON_API_TOKEN ? ', /api/v1' : ''})`,
    `  adapters: ${on.join(', ') || 'none'}`,
  ];
  if (!slackEnabled(env)) lines.push('  Slack:    off — set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to connect');
  if (!discordEnabled(env)) lines.push('  Discord:  off — set DISCORD_TOKEN and DISCORD_APPLICATION_ID to connect');
  if (withConsole) lines.push('', 'Type /incident help. Try: /incident declare sev1 Checkout down');
  return lines.join('\n') + '\n';
}

/** SQLite: one writer per file. A second Klaxon on this file stops here, naming the first. */
function holdSqlite(path: string, log: Logger): Held {
  const db = openDbAt(path);
  const lease = takeLease(db, path);
  let heartbeat: NodeJS.Timeout | undefined;
  return {
    db,
    describe: path,
    watch(lost) {
      heartbeat = setInterval(() => {
        try {
          if (lease.heartbeat()) return;
          log.fatal('another process took over this database; stopping so that nothing is sent twice');
          lost();
        } catch (e) {
          log.warn({ err: e }, 'could not refresh the database lease; will try again');
        }
      }, HEARTBEAT_MS);
      heartbeat.unref();
    },
    async close() {
      clearInterval(heartbeat);
      try {
        lease.release();
      } catch {
        // A lease left behind is taken over by the next start (same host) or expires (another host).
      }
      closeDb(db);
    },
  };
}

/**
 * PostgreSQL: any number of replicas. Migrates under a lock (replicas starting together migrate
 * once), then joins the election; the leader alone runs the scheduler and delivers.
 */
async function holdPostgres(env: Env, url: string, log: Logger, relay: { leadershipChanged(): void; wake(): void }): Promise<Held> {
  // Loaded here only: a SQLite Klaxon never pays for the PostgreSQL driver.
  const [{ startLeadership }, { listenForWake }] = await Promise.all([import('./store/leader.js'), import('./store/wake.js')]);
  const store = await openStore({ url, path: env.KLAXON_DB });
  const replica = defaultReplicaId(env.KLAXON_REPLICA_ID);
  const where = redactUrl(url);
  log.info({ store: where, replica, leaseMs: env.KLAXON_LEADER_LEASE }, 'PostgreSQL store; joining the leader election');
  const leadership = startLeadership({ pool: store.pool!, replicaId: replica, leaseMs: env.KLAXON_LEADER_LEASE, onGain: () => relay.leadershipChanged(), onLose: () => relay.leadershipChanged(), log });
  const wake = listenForWake(store.pool!, () => relay.wake(), log);
  return {
    db: store.db,
    describe: `PostgreSQL ${where} — replica ${replica}, leader lease ${env.KLAXON_LEADER_LEASE / 1000}s`,
    leadership,
    wakeLeader: () => wake.notify(),
    watch() {
      // Losing the lead is not fatal here: this replica serves HTTP and waits to lead again.
    },
    async close() {
      // Handing the lead over first lets another replica take it at its next attempt.
      await leadership.stop();
      await wake.stop();
      await store.close();
    },
  };
}

function takeLease(db: Db, path: string): Lease {
  try {
    return acquireWriterLease(db, systemClock, { path });
  } catch (e) {
    closeDb(db);
    throw e;
  }
}
