// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) pointed at Klaxon with a
// Bearer token: alerts posted to its /api/v2/alerts must open, dedupe and resolve incidents.
// Every wait polls something observable (the database, Klaxon's delivery counters), never a fixed
// sleep. The test fails, never skips, when Alertmanager is not installed (.ci/run installs it).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertCounters, labelKey } from '../../src/integrations/counters.js';
import { TOKENS } from './fixtures.js';
import { alertApp, type AlertApp } from './helpers.js';
import { waitFor as waitUntil } from '../helpers/wait.js';

function alertmanagerBinary(): string {
  for (const name of ['prometheus-alertmanager', 'alertmanager']) {
    if (spawnSync('sh', ['-c', `command -v ${name}`]).status === 0) return name;
  }
  throw new Error('Alertmanager is not installed: apt-get install -y prometheus-alertmanager (.ci/run does this)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Alertmanager batches and retries on its own clock: wait for what Klaxon stored, up to 45 s. */
const waitFor = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 45_000): Promise<T> =>
  waitUntil(probe, what, timeoutMs);

let t: AlertApp;
let am: ChildProcess | undefined;
let amLog = '';
let dir = '';
let amUrl = '';

beforeAll(async () => {
  const bin = alertmanagerBinary();
  t = await alertApp();
  dir = mkdtempSync(join(tmpdir(), 'klaxon-am-'));
  // Short timings so a group's first notification, updates and repeats come within seconds.
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  receiver: klaxon
  group_by: [alertname]
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: klaxon
    webhook_configs:
      - url: ${t.base}/integrations/v1/prometheus
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKENS.KLAXON_PROMETHEUS_TOKEN}
`,
  );
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  am = spawn(bin, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  am.stdout!.on('data', (d) => (amLog += String(d)));
  am.stderr!.on('data', (d) => (amLog += String(d)));
  await waitFor(`Alertmanager to be ready at ${amUrl}`, async () => {
    if (am!.exitCode !== null) throw new Error(`Alertmanager exited (${am!.exitCode}): ${amLog}`);
    return (await fetch(`${amUrl}/-/ready`).catch(() => null))?.ok;
  });
}, 60_000);

afterAll(async () => {
  if (am && am.exitCode === null) {
    const gone = new Promise((r) => am!.once('exit', r));
    am.kill('SIGTERM');
    await gone;
  }
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function postAlerts(hosts: string[], o: { resolved?: boolean } = {}) {
  const now = Date.now();
  const body = hosts.map((h) => ({
    labels: { alertname: 'CheckoutErrors', instance: h, severity: 'critical' },
    annotations: { summary: 'Checkout errors above 5%', runbook_url: 'https://runbooks.example.com/checkout' },
    generatorURL: `http://prometheus.example.com/graph?g0.expr=errors&host=${h}`,
    // Resolving in Alertmanager: the same alert with endsAt in the past.
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(o.resolved ? now - 1000 : now + 3600_000).toISOString(),
  }));
  const r = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status, await r.text()).toBe(200);
}

const deliveries = () => alertCounters(t.app.httpDeps()).received.get(labelKey('prometheus', 'firing')) ?? 0;

describe('a real Alertmanager', () => {
  it('opens one sev1 incident paging tier 1, dedupes the group and its repeats, resolves with it, and opens a new one on refiring', async () => {
    await postAlerts(['web-1']);
    const [first] = await waitFor('the first incident', async () => (await t.incidents()).length > 0 && (await t.incidents()));
    expect(first).toMatchObject({ severity: 'sev1', title: 'Checkout errors above 5%', declaredBy: 'integration:prometheus', status: 'investigating' });
    expect(await t.pages(first.id)).toEqual([expect.objectContaining({ policy: 'default', status: 'open' })]);
    expect((await t.notifications()).map((n) => n.tier)).toEqual(expect.arrayContaining([0]));
    expect((await t.notifications()).every((n) => n.tier === 0)).toBe(true);

    await postAlerts(['web-1', 'web-2']);
    await waitFor('the second alert on the timeline', async () => (await t.timeline(first.id)).some((e) => e.text === '2 alerts firing: web-1, web-2'));
    // Alertmanager repeats the group every repeat_interval; wait until it has delivered twice more.
    const seen = deliveries();
    await waitFor('two more deliveries from Alertmanager', () => deliveries() >= seen + 4);
    expect(await t.incidents()).toHaveLength(1);
    expect(await t.pages()).toHaveLength(1);

    await postAlerts(['web-1', 'web-2'], { resolved: true });
    await waitFor('the incident to resolve', async () => (await t.incidents())[0].status === 'resolved');
    expect((await t.incidents())[0].summary).toBe('prometheus reports all 2 alerts resolved.');
    expect((await t.pages(first.id))[0].status).toBe('cancelled');

    await postAlerts(['web-1']);
    const again = await waitFor('a new incident on refiring', async () => (await t.incidents()).length === 2 && (await t.incidents())[1]);
    expect(again).toMatchObject({ severity: 'sev1', status: 'investigating' });
    expect(await t.pages(again.id)).toHaveLength(1);
  }, 120_000);
});
