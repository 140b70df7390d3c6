// Slash-command round trip over loopback: a signed `/incident list` POSTed to /slack/events until
// the 200 (Slack's 3-second ack), at a steady 50 and 200 requests per second. Klaxon (Bolt on its
// own listener, then the command run and answered at response_url) against a bare Bolt app with a
// no-op /incident handler, measured in the same run on the same machine.
// The load generator and the response_url sink run in a worker thread: Slack is another machine,
// so its side must not share the event loop whose latency is being measured.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { App, LogLevel } from '@slack/bolt';
import { KlaxonApp } from '../src/app.js';
import { attachSlack } from '../src/chat/slack/index.js';
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { actorFor } from '../src/service/actor.js';
import { closeDb, openDb } from '../src/store/db.js';
import { FakeSlack } from '../test/fakes/slack/web-api.js';

const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-0000-token';
/** Each rate runs ROUNDS × ROUND_SECONDS per app, alternating apps so machine noise falls on both alike. */
const ROUNDS = 3;
const ROUND_SECONDS = 1;
const RATES = [50, 200];

type Run = { rate: number; sent: number; errors: number; p50: number; p99: number; throughput: number };
type Round = { sent: number; errors: number; latencies: number[]; seconds: number };

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
}

/** Pools the rounds of one app at one rate into one row. */
function summarize(rate: number, rounds: Round[]): Run {
  const lat = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = rounds.reduce((t, r) => t + r.seconds, 0);
  return { rate, sent: rounds.reduce((t, r) => t + r.sent, 0), errors: rounds.reduce((t, r) => t + r.errors, 0), p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), throughput: lat.length / seconds };
}

/**
 * Plain JavaScript for the worker (no TypeScript loader needed there): an open-loop client that
 * signs each request as Slack does, and a response_url sink that answers 200.
 */
const LOADGEN = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac, randomUUID } = require('node:crypto');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
sink.listen(0, '127.0.0.1', () => parentPort.postMessage({ ready: 'http://127.0.0.1:' + sink.address().port + '/respond' }));

function post(url, body) {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = 'v0=' + createHmac('sha256', workerData.secret).update('v0:' + ts + ':' + body).digest('hex');
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: {
      'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
      'x-slack-request-timestamp': ts, 'x-slack-signature': sig } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: res.statusCode === 200, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ ok: false, ms: performance.now() - started }));
    req.end(body);
  });
}

parentPort.on('message', async ({ url, rate, seconds, responseUrl }) => {
  const total = rate * seconds, interval = 1000 / rate, lat = [], inflight = [];
  let errors = 0;
  const start = performance.now();
  let last = start;
  for (let i = 0; i < total; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = new URLSearchParams({ token: 't', team_id: 'T0FAKE', team_domain: 'fake', channel_id: 'C0GENERAL', channel_name: 'general',
      user_id: 'U01ALICE', user_name: 'alice', command: '/incident', text: 'list', api_app_id: 'AFAKE', is_enterprise_install: 'false',
      response_url: responseUrl, trigger_id: Date.now() + '.1.' + randomUUID() }).toString();
    inflight.push(post(url, body).then((r) => { last = performance.now(); if (r.ok) lat.push(r.ms); else errors++; }));
  }
  await Promise.all(inflight);
  parentPort.postMessage({ sent: total, errors, latencies: lat, seconds: (last - start) / 1000 });
});
`;

class LoadGen {
  private readonly worker = new Worker(LOADGEN, { eval: true, workerData: { secret: SECRET } });
  readonly sink: Promise<string> = new Promise((resolve) => this.worker.once('message', (m: { ready: string }) => resolve(m.ready)));

  async run(url: string, rate: number, seconds: number): Promise<Round> {
    const responseUrl = await this.sink;
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage({ url, rate, seconds, responseUrl });
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

async function startKlaxon(fake: FakeSlack) {
  const policy = loadPolicy('examples/policies/default.yaml');
  const db = openDb(':memory:');
  const env = { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5, KLAXON_API_TOKEN: undefined, SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl };
  const app = new KlaxonApp({ env, policy, db, log: createLogger('silent') });
  await attachSlack(app, env);
  await app.start({ loop: false });
  // A few open incidents so `list` has something to render; their messages are delivered before measuring.
  for (const title of ['Checkout errors', 'Search slow', 'Webhooks delayed', 'Login flaky', 'CDN misses']) {
    app.service.run(actorFor(policy, 'slack', 'U01ALICE'), `declare sev3 ${title}`);
  }
  await app.tick();
  return {
    url: `http://127.0.0.1:${app.port}/slack/events`,
    stop: async () => {
      await app.stop();
      closeDb(db);
    },
  };
}

async function startBareBolt(fake: FakeSlack) {
  const bolt = new App({ signingSecret: SECRET, token: TOKEN, botId: 'B0BENCH', botUserId: 'U0BENCH', logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.apiUrl } });
  bolt.command('/incident', async ({ ack }) => {
    await ack();
  });
  const server = (await bolt.start({ port: 0, host: '127.0.0.1' })) as Server;
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, stop: () => bolt.stop() };
}

const ms = (v: number) => `${v.toFixed(2)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

export async function bench(): Promise<string> {
  const fake = await new FakeSlack({ bot: TOKEN }).start();
  for (const id of ['U01ALICE', 'U01BOB', 'U01CAROL', 'U01ERIN']) fake.addUser(id, id);
  fake.addChannel('C01ANNOUNCE', 'announcements');
  const klaxon = await startKlaxon(fake);
  const bare = await startBareBolt(fake);
  const gen = new LoadGen();
  try {
    // Warm-up: JIT, sockets and SQLite caches for both, discarded.
    await gen.run(bare.url, 50, 1);
    await gen.run(klaxon.url, 50, 1);
    const rows: { rate: number; bare: Run; klaxon: Run }[] = [];
    for (const rate of RATES) {
      const b: Round[] = [];
      const k: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        b.push(await gen.run(bare.url, rate, ROUND_SECONDS));
        k.push(await gen.run(klaxon.url, rate, ROUND_SECONDS));
      }
      rows.push({ rate, bare: summarize(rate, b), klaxon: summarize(rate, k) });
    }
    const lines = [
      '## Slack slash command round trip (bench/slack.bench.ts)',
      '',
      `Signed \`/incident list\` POSTed to \`/slack/events\` over loopback until the 200, open loop at a steady rate, ` +
        `${ROUNDS} rounds of ${ROUND_SECONDS} s per app alternating (client and response_url sink in a worker thread). ` +
        "Klaxon (Bolt on Klaxon's listener; after the ack it runs the command " +
        'against SQLite and answers at response_url) against a bare Bolt app with a no-op `/incident` handler, same process, same run. ' +
        'Aim: Klaxon p99 within 1.5× of bare Bolt, no errors.',
      '',
      '| rate | app | requests | errors | p50 | p99 | throughput |',
      '|---:|---|---:|---:|---:|---:|---:|',
      ...rows.flatMap((r) => [
        `| ${r.rate}/s | bare Bolt | ${r.bare.sent} | ${r.bare.errors} | ${ms(r.bare.p50)} | ${ms(r.bare.p99)} | ${r.bare.throughput.toFixed(1)}/s |`,
        `| ${r.rate}/s | Klaxon | ${r.klaxon.sent} | ${r.klaxon.errors} | ${ms(r.klaxon.p50)} | ${ms(r.klaxon.p99)} | ${r.klaxon.throughput.toFixed(1)}/s |`,
      ]),
      '',
      '| rate | p50 Klaxon / Bolt | p99 Klaxon / Bolt | throughput Klaxon / Bolt |',
      '|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.rate}/s | ${ratio(r.klaxon.p50, r.bare.p50)} | ${ratio(r.klaxon.p99, r.bare.p99)} | ${ratio(r.klaxon.throughput, r.bare.throughput)} |`),
      '',
    ];
    return lines.join('\n');
  } finally {
    await gen.stop();
    await bare.stop();
    await klaxon.stop();
    await fake.stop();
  }
}
