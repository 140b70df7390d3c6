// Alert ingestion over loopback: Alertmanager-shaped bodies of 1, 10 and 100 alerts POSTed to
// /integrations/v1/prometheus (token check, size cap, zod parse, open/dedupe in one SQLite
// transaction with the raw body stored) against a bare node:http handler that reads and
// JSON.parses the same bodies, in the same run. Each body brings new alerts into one of ten open
// groups, so every request writes (alert rows, a timeline line, the stored body).
// The client runs in a worker thread with 4 requests in flight: the sender is another machine,
// so its side must not share the event loop being measured.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { KlaxonApp } from '../src/app.js';
import { parsePolicy } from '../src/config/policy/index.js';
import { mountHttp } from '../src/http/routes.js';
import { createLogger } from '../src/log.js';
import { closeDb, openDb } from '../src/store/db.js';
import { readFileSync } from 'node:fs';

const TOKEN = 'bench-token-0123456789abcdef';
const SIZES = [1, 10, 100];
const REQUESTS: Record<number, number> = { 1: 400, 10: 300, 100: 100 };
const ROUNDS = 3;
const CONCURRENCY = 4;

/** Plain JavaScript for the worker: a closed-loop client that builds each body and times it. */
const LOADGEN = String.raw`
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let seq = 0;
function body(size) {
  const g = seq % 10, n = seq++;
  const alerts = [];
  for (let i = 0; i < size; i++) alerts.push({ status: 'firing', labels: { alertname: 'Bench' + g, instance: 'host-' + n + '-' + i, severity: 'warning' },
    annotations: { summary: 'Bench group ' + g, description: 'alert ' + i + ' of request ' + n }, startsAt: '2026-03-04T10:00:00Z', endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example.com/graph?g0.expr=up', fingerprint: 'fp-' + n + '-' + i });
  return JSON.stringify({ version: '4', groupKey: '{}:{alertname="Bench' + g + '"}', truncatedAlerts: 0, status: 'firing', receiver: 'klaxon',
    groupLabels: { alertname: 'Bench' + g }, commonLabels: { alertname: 'Bench' + g, severity: 'warning' }, commonAnnotations: { summary: 'Bench group ' + g },
    externalURL: 'http://alertmanager.example.com', alerts });
}
function post(url, token, text) {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), authorization: 'Bearer ' + token } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: res.statusCode === 202, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ ok: false, ms: performance.now() - started }));
    req.end(text);
  });
}
parentPort.on('message', async ({ url, token, size, requests, concurrency }) => {
  const bodies = Array.from({ length: requests }, () => body(size));
  const lat = [];
  let errors = 0, next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const r = await post(url, token, bodies[next++]);
      if (r.ok) lat.push(r.ms); else errors++;
    }
  }));
  parentPort.postMessage({ latencies: lat, errors, seconds: (performance.now() - start) / 1000 });
});
`;

type Round = { latencies: number[]; errors: number; seconds: number };

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** The baseline: read the body, JSON.parse it, answer 202. */
function bareServer(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"outcome":"accepted"}');
    });
  });
}

export async function bench(): Promise<string> {
  const policy = parsePolicy(`${readFileSync('examples/policies/default.yaml', 'utf8').split('\nintegrations:')[0]}
integrations:
  prometheus:
    type: alertmanager
    token_env: BENCH_TOKEN
    severity: { map: { critical: sev1 }, default: sev3 }
    max_open: 1000
    rate_limit: 100000000
`);
  const db = openDb(':memory:');
  const app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 3600 }, policy, db, log: createLogger('silent'), secrets: { BENCH_TOKEN: TOKEN } });
  mountHttp(app.httpDeps());
  await app.start({ loop: false });
  const klaxonUrl = `http://127.0.0.1:${app.port}/integrations/v1/prometheus`;
  const bare = bareServer();
  const bareUrl = await listen(bare);
  const worker = new Worker(LOADGEN, { eval: true });
  const run = (url: string, size: number, requests: number) =>
    new Promise<Round>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage({ url, token: TOKEN, size, requests, concurrency: CONCURRENCY });
    });

  const rows: string[] = [];
  try {
    // Warm-up: JIT, prepared statements, sockets.
    await run(klaxonUrl, 10, 100);
    await run(bareUrl, 10, 100);
    for (const size of SIZES) {
      const k: Round[] = [];
      const b: Round[] = [];
      // Alternating rounds spread the shared machine's noise over both alike.
      for (let i = 0; i < ROUNDS; i++) {
        k.push(await run(klaxonUrl, size, REQUESTS[size]));
        b.push(await run(bareUrl, size, REQUESTS[size]));
      }
      const sum = (rs: Round[]) => {
        const lat = rs.flatMap((r) => r.latencies).sort((x, y) => x - y);
        const seconds = rs.reduce((t, r) => t + r.seconds, 0);
        return { perSec: (lat.length * size) / seconds, p99: percentile(lat, 0.99), errors: rs.reduce((t, r) => t + r.errors, 0) };
      };
      const ks = sum(k);
      const bs = sum(b);
      rows.push(
        `| ${size} | ${Math.round(ks.perSec)} | ${Math.round(bs.perSec)} | ${(ks.perSec / bs.perSec).toFixed(2)}× | ${ks.p99.toFixed(1)} | ${bs.p99.toFixed(1)} | ${(ks.p99 / bs.p99).toFixed(1)}× | ${ks.errors + bs.errors} |`,
      );
    }
  } finally {
    await worker.terminate();
    await new Promise((r) => bare.close(r));
    await app.stop();
    closeDb(db);
  }
  return [
    '## Alert ingestion (bench/alerts.bench.ts)',
    '',
    `Alertmanager-shaped bodies over loopback, ${CONCURRENCY} in flight, each bringing new alerts into one of ten open groups (every request writes alert rows, a timeline line and the stored body, SQLite in memory). Baseline: a bare \`node:http\` handler that reads and \`JSON.parse\`s the same bodies. ${ROUNDS} alternating rounds per size.`,
    '',
    '| alerts per body | Klaxon alerts/s | bare alerts/s | Klaxon/bare | Klaxon p99 ms | bare p99 ms | p99 ratio | errors |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}
