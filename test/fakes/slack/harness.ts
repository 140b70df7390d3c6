// A Klaxon with Slack attached, talking to the fake Slack: the real Bolt app and Web API client,
// an in-memory database, a fake clock for timers, and helpers to send what Slack would send.
import { Writable } from 'node:stream';
import { asc } from 'drizzle-orm';
import { KlaxonApp } from '../../../src/app.js';
import { attachSlack, type SlackOptions } from '../../../src/chat/slack/index.js';
import { loadPolicy, parsePolicy, type Policy } from '../../../src/config/policy/index.js';
import { createLogger } from '../../../src/log.js';
import { FakeClock } from '../../../src/service/clock.js';
import { openDb } from '../../../src/store/db.js';
import { outbox } from '../../../src/store/schema.js';
import { eventCallback, form, interactionForm, slashCommand } from './payloads.js';
import { JSON_TYPE, postSigned, type SignedResponse } from './signing.js';
import { FakeSocketMode } from './socket-mode.js';
import { FakeSlack } from './web-api.js';
import { waitFor } from '../../helpers/wait.js';

export const SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-111-222-klaxonbottokensecret';
export const APP_TOKEN = 'xapp-1-A111-333-klaxonapptokensecret';

export type SlackKlaxonOptions = {
  socket?: boolean;
  policy?: Policy;
  yaml?: string;
  start?: string;
  logLevel?: string;
  slack?: SlackOptions;
  /** A database file instead of memory, for tests where another process takes its lock. */
  dbPath?: string;
  /** Puts something between Klaxon and the fake Web API (the fault proxy): given the fake's URL, the URL Klaxon uses. */
  via?: (apiUrl: string) => Promise<string>;
};

export async function slackKlaxon(o: SlackKlaxonOptions = {}) {
  const fake = await new FakeSlack({ bot: BOT_TOKEN, app: APP_TOKEN }).start();
  const socket = o.socket ? await new FakeSocketMode().start(fake) : undefined;
  // The people of the default policy, a stranger, and the channels the policy names.
  for (const [id, name] of [
    ['U01ALICE', 'Alice Archer'],
    ['U01BOB', 'Bob Baker'],
    ['U01CAROL', 'Carol Chen'],
    ['U01ERIN', 'Erin Evans'],
    ['U0DANA', 'Dana Dunn'],
  ])
    fake.addUser(id, name, name.split(' ')[0]);
  fake.addChannel('C01ANNOUNCE', 'announcements');
  fake.addChannel('C0GENERAL', 'general', ['UKLAXONBOT', 'U01ALICE', 'U0DANA']);

  const policy = o.policy ?? (o.yaml ? parsePolicy(o.yaml) : loadPolicy('examples/policies/default.yaml'));
  const db = openDb(o.dbPath ?? ':memory:');
  const clock = new FakeClock(o.start ?? '2026-03-04T10:00:00Z');
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger(o.logLevel ?? 'debug', sink);
  const env = {
    HOST: '127.0.0.1',
    PORT: 0,
    KLAXON_TICK_SECONDS: 5,
    KLAXON_API_TOKEN: undefined,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: o.socket ? undefined : SECRET,
    SLACK_APP_TOKEN: o.socket ? APP_TOKEN : undefined,
    SLACK_API_URL: o.via ? await o.via(fake.apiUrl) : fake.apiUrl,
  };
  const app = new KlaxonApp({ env, policy, db, clock, log });
  await attachSlack(app, env, { proxy: {}, backoffMs: [50, 100, 200], helloTimeoutMs: 2000, ...o.slack });
  await app.start({ loop: false });
  if (socket) await socket.connected();
  const eventsUrl = `http://127.0.0.1:${app.port}/slack/events`;
  let responses = 0;
  let delivered = 0;
  /** What each slash command's ack carried (Klaxon answers inside the ack), by its response_url. */
  const acked = new Map<string, Record<string, unknown>>();
  const keepAck = (url: string, body: unknown) => {
    if (body && typeof body === 'object' && Object.keys(body).length) acked.set(new URL(url).pathname, body as Record<string, unknown>);
  };

  const h = {
    fake,
    socket,
    app,
    db,
    clock,
    policy,
    logLines,
    eventsUrl,
    /** A fresh response_url on the fake; what Klaxon answers there lands in fake.responded. */
    responseUrl: () => fake.responseUrl(`r${++responses}`),

    /** Sends a slash command the way the configured mode receives it. */
    async slash(text: string, u: { user: string; channel?: string; userName?: string }) {
      const responseUrl = h.responseUrl();
      const fields = slashCommand(text, { ...u, responseUrl });
      const started = performance.now();
      if (socket) {
        keepAck(responseUrl, await socket.send('slash_commands', fields));
        return { status: 200, ms: performance.now() - started, responseUrl, fields };
      }
      const r = await postSigned(eventsUrl, form(fields), { secret: SECRET });
      if (r.body.startsWith('{')) keepAck(responseUrl, JSON.parse(r.body));
      return { ...r, responseUrl, fields };
    },

    /** Sends an Events API callback; returns the HTTP answer (200 when acked over Socket Mode). */
    async event(event: Record<string, unknown>, opts: { eventId?: string; retryNum?: number } = {}): Promise<SignedResponse & { body: string }> {
      const body = eventCallback(event, opts.eventId);
      if (socket) {
        const started = performance.now();
        await socket.send('events_api', body, { retryAttempt: opts.retryNum });
        return { status: 200, body: '', ms: performance.now() - started };
      }
      return postSigned(eventsUrl, JSON.stringify(body), { secret: SECRET, contentType: JSON_TYPE, retryNum: opts.retryNum });
    },

    async interact(payload: Record<string, unknown>): Promise<SignedResponse> {
      if (socket) {
        const started = performance.now();
        const acked = await socket.send('interactive', payload);
        return { status: 200, body: JSON.stringify(acked ?? {}), ms: performance.now() - started };
      }
      return postSigned(eventsUrl, interactionForm(payload), { secret: SECRET });
    },

    /** What Klaxon answered to the command that carried this response_url: in its ack, or later at the URL. */
    answerAt(url: string): Record<string, unknown> | undefined {
      const path = new URL(url).pathname;
      return acked.get(path) ?? fake.responded.find((r) => r.path === path)?.body;
    },

    async answer(url: string): Promise<Record<string, unknown>> {
      await waitFor(() => h.answerAt(url), `an answer at ${url}`);
      return h.answerAt(url)!;
    },

    /** Runs the scheduler and the outbox once (timers fire on the fake clock, never by sleeping). */
    tick: () => app.tick(),

    /** How many times Klaxon's listeners have finished with a request (its "Slack event handled" debug line), by event id or by what it was (`/incident`). */
    handled(o: { eventId?: string; what?: string }): number {
      return logLines.filter((l) => {
        if (!l.includes('Slack event handled')) return false;
        const j = JSON.parse(l) as { eventId?: string; handled?: string };
        return (o.eventId === undefined || j.eventId === o.eventId) && (o.what === undefined || j.handled === o.what);
      }).length;
    },

    /**
     * Sends an Events API callback and waits until Klaxon is done with it, acted on or ignored:
     * the sign to wait for before checking that an event changed nothing.
     */
    async deliver(event: Record<string, unknown>, opts: { eventId?: string; retryNum?: number } = {}) {
      const eventId = opts.eventId ?? `EvD${++delivered}`;
      const before = h.handled({ eventId });
      const r = await h.event(event, { ...opts, eventId });
      await waitFor(() => h.handled({ eventId }) > before, `Klaxon to finish with event ${eventId}`);
      return r;
    },

    outbox: () => db.select().from(outbox).orderBy(asc(outbox.id)).all(),

    async close() {
      await app.stop();
      await socket?.stop();
      await fake.stop();
      db.$client.close();
    },
  };
  return h;
}

export type SlackKlaxon = Awaited<ReturnType<typeof slackKlaxon>>;

export { waitFor };
