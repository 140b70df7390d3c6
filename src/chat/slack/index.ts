// Attaches Slack to a running Klaxon: a Bolt app (HTTP on Klaxon's own listener, or Socket Mode
// when SLACK_APP_TOKEN is set), the listeners that turn Slack activity into service calls, and the
// adapter through which the outbox posts.
import { App } from '@slack/bolt';
import type { ChatHost } from '../host.js';
import type { Env } from '../../config/env.js';
import { registerActions } from './actions.js';
import { SlackAdapter } from './adapter.js';
import { baseClientOptions, createClient, sendingClientOptions } from './client.js';
import { registerCommands } from './commands.js';
import { SlackConnection } from './connection.js';
import { errorText, type SlackDeps } from './deps.js';
import { Identity } from './identity.js';
import { boltLogger, scrubber } from './logger.js';
import { SlackPeople } from './people.js';
import { announceElsewhere } from '../announce.js';
import { fetchVia, proxyDispatcher, proxyEnv, type ProxyEnv } from '../proxy.js';
import { SocketLink } from './socket-link.js';
import { registerReactions } from './reactions.js';
import { createHttpReceiver, mountEvents } from './receiver.js';
import { registerSupport } from './support.js';

export type SlackEnv = Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL'>;

export type SlackOptions = {
  /** Proxy settings; by default HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment. */
  proxy?: ProxyEnv;
  /** Tuning for tests: the Socket Mode hello timeout, and the waits between failed attempts (Socket Mode and auth.test). */
  helloTimeoutMs?: number;
  backoffMs?: number[];
};

export async function attachSlack(app: ChatHost, env: SlackEnv, opts: SlackOptions = {}): Promise<void> {
  const botToken = env.SLACK_BOT_TOKEN;
  if (!botToken) throw new Error('SLACK_BOT_TOKEN: is required to connect Slack');
  const log = app.log.child({ platform: 'slack' });
  const logger = boltLogger(log, scrubber([botToken, env.SLACK_APP_TOKEN, env.SLACK_SIGNING_SECRET]));
  const dispatcher = proxyDispatcher(opts.proxy ?? proxyEnv());
  const base = { ...baseClientOptions(env.SLACK_API_URL, logger), ...(dispatcher ? { fetch: fetchVia(dispatcher) } : {}) };
  const client = createClient(botToken, base);
  const identity = new Identity(client);
  const adapter = new SlackAdapter(client, log, async () => (await identity.get()).botUserId);

  const socketMode = Boolean(env.SLACK_APP_TOKEN);
  let connection: SlackConnection | undefined;
  const link = socketMode
    ? new SocketLink({
        appToken: env.SLACK_APP_TOKEN!,
        logger,
        log,
        clientOptions: base,
        dispatcher,
        helloTimeoutMs: opts.helloTimeoutMs,
        backoffMs: opts.backoffMs,
        onFatal: (code) => connection?.refused(`SLACK_APP_TOKEN refused by Slack (${code})`),
      })
    : undefined;
  if (!socketMode && !env.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
  const receiver = link ?? createHttpReceiver(env.SLACK_SIGNING_SECRET!, logger);

  const bolt = new App({
    receiver,
    // Klaxon's own Socket Mode receiver (socket-link.ts) stands in for Bolt's.
    socketMode: false,
    authorize: identity.authorize(botToken),
    logger,
    clientOptions: sendingClientOptions(base),
    // Klaxon keeps its own state; Bolt's conversation store would only grow.
    convoStore: false,
  });
  bolt.error(async (e) => {
    log.error({ error: errorText(e) }, 'Slack listener failed');
  });
  // One debug line once every listener is done with a request (Slack has its 200 long before):
  // the sign, for an operator or a test, that an event was acted on or deliberately ignored.
  bolt.use(async ({ body, next }) => {
    try {
      await next();
    } finally {
      const b = body as { type?: string; command?: string; event_id?: string; event?: { type?: string } };
      log.debug({ handled: b.event?.type ?? b.command ?? b.type, eventId: b.event_id }, 'Slack event handled');
    }
  });

  const deps: SlackDeps = { service: app.service, client, people: new SlackPeople(client, app.service.policy, log), identity, log };
  registerCommands(bolt, deps);
  registerActions(bolt, deps);
  registerReactions(bolt, deps);
  registerSupport(bolt, deps);

  if (!socketMode) mountEvents(app.http, receiver as ReturnType<typeof createHttpReceiver>, log);
  connection = new SlackConnection({
    mode: socketMode ? 'socket' : 'http',
    identity,
    adapter,
    link,
    log,
    retryMs: opts.backoffMs,
    onFailed: (reason) => announceElsewhere(app, 'slack', `⚠️ Klaxon lost Slack: ${reason}. Pages and updates still go out here; fix the token and restart Klaxon to bring Slack back.`),
  });
  app.addAdapter(adapter, connection);
}
