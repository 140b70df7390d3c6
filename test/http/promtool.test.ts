// /metrics checked by Prometheus's own linter (Debian's `prometheus` package; .ci/run installs it):
// no gauge named like a counter, and the delivery-failure counter exists at 0 for every platform
// from the first scrape, so rate() works before anything has failed.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../src/chat/console/console-adapter.js';
import { PassThrough } from 'node:stream';
import { startApp, type TestApp } from './helpers.js';
import { parsePrometheus } from './prometheus.js';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

describe('/metrics against promtool', () => {
  it('passes `promtool check metrics` and starts klaxon_outbox_delivery_failures_total at 0 per platform', async () => {
    t = await startApp({ adapters: [{ adapter: new ConsoleAdapter(new PassThrough()) }] });
    const text = await (await t.get('/metrics')).text();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error, 'promtool is missing: apt-get install prometheus').toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
    const failures = parsePrometheus(text).filter((s) => s.name === 'klaxon_outbox_delivery_failures_total');
    expect(failures).toEqual(
      expect.arrayContaining([
        { name: 'klaxon_outbox_delivery_failures_total', labels: { platform: 'console', permanent: 'false' }, value: 0 },
        { name: 'klaxon_outbox_delivery_failures_total', labels: { platform: 'console', permanent: 'true' }, value: 0 },
      ]),
    );
  });
});
