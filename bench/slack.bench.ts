// Slash-command round trip over loopback: a signed `/incident list` POSTed to /slack/events until
// the 200 (Slack's 3-second ack), at a steady 50 and 200 requests per second. Klaxon (Bolt on its
// own listener, then the command run and answered at response_url) against a bare Bolt app with a
// no-op /incident handler, measured in the same run on the same machine. Both apps, the load
// generator and the fake Slack share one process, so the figures are relative, not absolute.
import { Agent } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { KlaxonApp } from '../src/app.js';
import { attachSlack } from '../src/chat/slack/index.js';
import { loadPolicy } from '../src/config/policy.js';
import { createLogger } from '../src/log.js';
import { actorFor } from '../src/service/actor.js';
import { closeDb, openDb } from '../src/store/db.js';
import { form, slashCommand } from '../test/fakes/slack/payloads.js';
import { postSigned } from '../test/fakes/slack/signing.js';
import { FakeSlack } from '../test/fakes/slack/web-api.js';

const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-0000-token';
const SECONDS = 3;
const RATES = [50, 200];

type Run = { rate: number; sent: number; errors: number; p50: number; p99: number; throughput: number };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** Open-loop load: requests leave on schedule whether or not earlier ones have answered. */
async function load(url: string, rate: number, seconds: number, responseUrl: string, agent: Agent): Promise<Run> {
  const total = rate * seconds;
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let lastDone = start;
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = form(slashCommand('list', { user: 'U01ALICE', responseUrl }));
    inflight.push(
      postSigned(url, body, { secret: SECRET, agent }).then(
        (r) => {
          lastDone = performance.now();
          if (r.status === 200) latencies.push(r.ms);
          else errors++;
        },
        () => {
          lastDone = performance.now();
          errors++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  latencies.sort((a, b) => a - b);
  return { rate, sent: total, errors, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), throughput: latencies.length / ((lastDone - start) / 1000) };
}

async function startKlaxon(fake: FakeSlack) {
  const policy = loadPolicy('examples/policies/default.yaml');
  const db = openDb(':memory:');
  const env = { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5, KLAXON_API_TOKEN: undefined, SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl };
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
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const responseUrl = fake.responseUrl('bench');
  try {
    // Warm-up: JIT, sockets and SQLite caches for both, discarded.
    await load(bare.url, 50, 1, responseUrl, agent);
    await load(klaxon.url, 50, 1, responseUrl, agent);
    const rows: { rate: number; bare: Run; klaxon: Run }[] = [];
    for (const rate of RATES) {
      const b = await load(bare.url, rate, SECONDS, responseUrl, agent);
      const k = await load(klaxon.url, rate, SECONDS, responseUrl, agent);
      rows.push({ rate, bare: b, klaxon: k });
    }
    const lines = [
      '## Slack slash command round trip (bench/slack.bench.ts)',
      '',
      `Signed \`/incident list\` POSTed to \`/slack/events\` over loopback until the 200, open loop at a steady rate for ${SECONDS} s. ` +
        'Klaxon (Bolt on Klaxon\'s listener; after the ack it runs the command and answers at response_url) against a bare Bolt ' +
        'app with a no-op `/incident` handler, in the same process and run. Aim: Klaxon p99 within 1.5× of bare Bolt, no errors.',
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
    agent.destroy();
    await bare.stop();
    await klaxon.stop();
    await fake.stop();
  }
}
