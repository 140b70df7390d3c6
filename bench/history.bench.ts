// A long history: 10k and 100k incidents (a year of them, with timelines, roles, pages, sent
// outbox rows and finished timers), then each HTTP endpoint and the `list` / `stats` commands,
// with a /healthz probe running from another thread the whole time. The probe's worst latency shows
// whether a long read blocks the event loop; its latency on an idle server is the anchor.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KlaxonApp } from '../src/app.js';
import { loadPolicy } from '../src/config/policy/index.js';
import { mountHttp } from '../src/http/routes.js';
import { createLogger } from '../src/log.js';
import { actorFor } from '../src/service/actor.js';
import { FakeClock } from '../src/service/clock.js';
import { closeDb, openDb, type Db } from '../src/store/db.js';
import { benchDbPath, median, percentile } from './util.js';

const NOW = Date.parse('2026-03-04T10:00:00Z');
const DAY = 86400_000;
const TOKEN = 'bench-api-token-0123456789abcdef';
const REPEAT = 5;

/** Writes `n` incidents spread over the last 360 days, the last 20 still open, by hand for speed. */
function fill(db: Db, n: number): void {
  const c = db.$client;
  const inc = c.prepare(
    "insert into incidents (id, title, severity, status, declared_at, declared_by, last_update_at, acknowledged_at, mitigated_at, resolved_at, summary) values (?, ?, ?, ?, ?, 'alice', ?, ?, ?, ?, ?)",
  );
  const ev = c.prepare('insert into timeline_events (incident_id, at, kind, actor, text, public, public_text, status) values (?, ?, ?, ?, ?, ?, ?, ?)');
  const role = c.prepare("insert into role_assignments (incident_id, role, person, assigned_at) values (?, 'commander', 'alice', ?)");
  const page = c.prepare("insert into pages (incident_id, policy, target, severity, status, tier, cycle, created_at) values (?, 'primary', 'schedule:primary', ?, 'acknowledged', 0, 0, ?)");
  const out = c.prepare("insert into outbox (platform, kind, destination, body, priority, status, attempts, next_attempt_at, created_at, sent_at, incident_id) values (?, 'post', 'incident', ?, 1, 'sent', 1, ?, ?, ?, ?)");
  const timer = c.prepare("insert into timers (kind, due_at, status, incident_id, created_at, fired_at) values ('nudge', ?, ?, ?, ?, ?)");
  const sevs = ['sev1', 'sev2', 'sev3', 'sev3', 'sev3'];
  c.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const at = NOW - Math.floor(((n - i + 1) / n) * 360 * DAY);
      const sev = sevs[i % sevs.length];
      const open = i > n - 20;
      const pub = sev !== 'sev3' ? 1 : 0;
      inc.run(i, `Incident ${i}: checkout errors`, sev, open ? 'investigating' : 'resolved', at, at + 1800_000, at + 300_000, open ? null : at + 3600_000, open ? null : at + 7200_000, open ? null : 'Rolled back');
      role.run(i, at);
      ev.run(i, at, 'declared', 'alice', `Declared by Alice: Incident ${i}`, pub, pub ? `Investigating checkout errors` : null, pub ? 'investigating' : null);
      ev.run(i, at + 1800_000, 'update', 'alice', 'Found the bad deploy', pub, pub ? 'We found the cause' : null, pub ? 'identified' : null);
      if (!open) ev.run(i, at + 7200_000, 'resolved', 'alice', 'Resolved: rolled back', pub, pub ? 'Fixed' : null, pub ? 'resolved' : null);
      if (sev === 'sev1') page.run(i, sev, at);
      for (const p of ['slack', 'discord']) for (let k = 0; k < 4; k++) out.run(p, JSON.stringify({ text: `Message ${k} about incident ${i}, with a few words of detail`, tone: 'info' }), at, at, at + 500, i);
      timer.run(at + 3600_000, open ? 'pending' : 'cancelled', i, at, open ? null : at + 3600_000);
    }
  })();
}

const PROBE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let running = false, lat = [];
function get() {
  const t = performance.now();
  return new Promise((resolve) => {
    http.get(workerData.url, { agent }, (res) => { res.resume(); res.on('end', () => resolve(performance.now() - t)); }).on('error', () => resolve(NaN));
  });
}
async function loop() {
  while (running) { lat.push(await get()); await new Promise((r) => setTimeout(r, 2)); }
}
parentPort.on('message', async (m) => {
  if (m === 'start') { running = true; lat = []; loop(); parentPort.postMessage('started'); }
  else { running = false; await new Promise((r) => setTimeout(r, 20)); parentPort.postMessage(lat); }
});
`;

class Probe {
  private readonly worker: Worker;
  constructor(url: string) {
    this.worker = new Worker(PROBE, { eval: true, workerData: { url } });
  }
  private ask<T>(m: string): Promise<T> {
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage(m);
    });
  }
  /** Runs `fn` while probing (`before` each time, untimed); returns fn's median time and the probe's worst latency. */
  async during(fn: () => Promise<unknown> | unknown, before?: () => Promise<unknown>): Promise<{ ms: number; first: number; probeMax: number; probeP50: number }> {
    await this.ask('start');
    await new Promise((r) => setTimeout(r, 20));
    const times: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      await before?.();
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
    const lat = (await this.ask<number[]>('stop')).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    return { ms: median(times), first: times[0], probeMax: lat[lat.length - 1] ?? NaN, probeP50: percentile(lat, 0.5) };
  }
  stop() {
    return this.worker.terminate();
  }
}

async function measure(n: number): Promise<string[]> {
  const path = benchDbPath('history');
  const db = openDb(path);
  fill(db, n);
  const policy = loadPolicy('examples/policies/default.yaml');
  const env = { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5, KLAXON_API_TOKEN: TOKEN };
  const app = new KlaxonApp({ env, policy, db, clock: new FakeClock(new Date(NOW)), log: createLogger('silent') });
  mountHttp(app.httpDeps());
  await app.start({ loop: false });
  const base = `http://127.0.0.1:${app.port}`;
  const probe = new Probe(`${base}/healthz`);
  const get = async (path: string) => {
    const r = await fetch(base + path, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`);
  };
  // The client (fetch, undici) runs in this process too: its first use costs ~100 ms of loading and
  // compiling here, which the first endpoint measured used to be charged with. It is warmed on
  // /healthz first, which reads none of the history.
  for (let i = 0; i < 3; i++) await (await fetch(`${base}/healthz`)).text();
  const alice = actorFor(policy, 'console', 'alice');
  const run = (text: string) => async () => {
    const r = await app.service.run(alice, text);
    if (!r.ok) throw new Error(`${text}: ${r.text}`);
  };
  const cases: [string, () => unknown, (() => Promise<unknown>)?][] = [
    ['idle (anchor)', () => new Promise((r) => setTimeout(r, 20))],
    // What start() runs in the background (the status page's days, stats' and /metrics' blocks),
    // awaited here so its own stall shows, and so the requests below meet what a server meets once
    // it has been up a second or so. A request arriving during it waits for it.
    ['warm-up at start (background)', () => app.warmUp()],
    ['GET /metrics', () => get('/metrics')],
    ['GET /status', () => get('/status')],
    // Any write rebuilds the status model: the common case on a busy day, not the cached page.
    ['GET /status after an update', () => get('/status'), run(`update #${n} Still rolling back`)],
    ['GET /status.json', () => get('/status.json')],
    ['GET /status/feed.atom', () => get('/status/feed.atom')],
    ['GET /api/v1/incidents', () => get('/api/v1/incidents')],
    [`GET /api/v1/incidents/${n}`, () => get(`/api/v1/incidents/${n}`)],
    ['GET /api/v1/stats?window=365d', () => get('/api/v1/stats?window=365d')],
    ['`list`', run('list')],
    ['`stats 30d`', run('stats 30d')],
    ['`stats 365d`', run('stats 365d')],
  ];
  const rows: string[] = [];
  try {
    for (const [label, fn, before] of cases) {
      try {
        const r = await probe.during(fn, before);
        rows.push(`| ${n.toLocaleString('en')} | ${label} | ${label.startsWith('idle') ? '— | —' : `${r.first.toFixed(1)} ms | ${r.ms.toFixed(1)} ms`} | ${r.probeP50.toFixed(1)} ms | ${r.probeMax.toFixed(1)} ms |`);
      } catch (e) {
        rows.push(`| ${n.toLocaleString('en')} | ${label} | **fails**: ${String((e as Error).message).slice(0, 80)} | | | |`);
      }
    }
  } finally {
    await probe.stop();
    await app.stop();
    closeDb(db);
    rmSync(dirname(path), { recursive: true, force: true });
  }
  return rows;
}

export async function bench(): Promise<string> {
  const rows = [...(await measure(10_000)), ...(await measure(100_000))];
  return [
    '## History at 10k and 100k incidents (bench/history.bench.ts)',
    '',
    `A year of incidents (the last 20 open; timelines, roles, pages, 8 sent outbox rows and a finished timer each) written by hand into a WAL file; each request or command run ${REPEAT} times (the first, which builds what later ones reuse, and the median), ` +
      'while another thread GETs /healthz every 2 ms. The probe\'s worst latency shows how long the event loop was blocked; its latency while idle is the anchor. Goal: ≤ 50 ms per request, no stall. ' +
      'The warm-up row is what `start()` runs in the background (the status page\'s 90 days, the `stats` and `/metrics` sums of settled blocks, a day or a sub-block per event-loop turn), awaited here: its own stall shows in its probe column, and the rows below it are what a server answers once it has been up that long (a request arriving sooner waits for the warm-up). ' +
      '"after an update" runs `update #N` (untimed) before each GET, so every GET rebuilds the page, as on a busy day. The bench\'s HTTP client runs in the same process and is warmed on /healthz first.',
    '',
    '| incidents | request | first time | median time | /healthz p50 during | /healthz worst during |',
    '|---:|---|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}
