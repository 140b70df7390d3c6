import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError, type ChatAdapter } from '../../src/service/port.js';
import { MINUTE, startApp, type TestApp } from './helpers.js';
import { parsePrometheus, sample } from './prometheus.js';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const scrape = async (t: TestApp) => {
  const r = await t.get('/metrics');
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await r.text());
};

/** An adapter whose every delivery fails, permanently for DMs and transiently elsewhere. */
function brokenAdapter(): ChatAdapter {
  const fail = async (to?: { user?: string }) => {
    throw new DeliveryError(to?.user ? 'user_not_found' : 'service unavailable', { permanent: Boolean(to?.user) });
  };
  return {
    platform: 'slack',
    openIncidentSpace: async (info) => ({ channel: `C${info.number}`, name: `inc-${info.number}` }),
    post: (to) => fail(to as { user?: string }),
    edit: () => fail(),
    setTopic: () => fail(),
    invite: () => fail(),
    rename: () => fail(),
  };
}

describe('/metrics', () => {
  it('is valid Prometheus text with process metrics and every Klaxon family', async () => {
    t = await startApp();
    const s = await scrape(t);
    const names = new Set(s.map((x) => x.name));
    for (const n of [
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
      'klaxon_db_up',
      'klaxon_open_incidents',
      'klaxon_pages_total',
      'klaxon_escalations_total',
      'klaxon_acknowledgements_total',
      'klaxon_time_to_acknowledge_seconds_bucket',
      'klaxon_time_to_resolve_seconds_count',
    ])
      expect(names, n).toContain(n);
    expect(sample(s, 'klaxon_open_incidents', { severity: 'sev1' })).toBe(0);
    expect(sample(s, 'klaxon_db_up')).toBe(1);
  });

  it('page and target counters stay with the severity they happened under when the severity changes', async () => {
    t = await startApp();
    await t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(15 * MINUTE);
    await t.app.tick(); // tier 2, and the 15m acknowledge target is missed
    await t.run('bob', 'severity sev3');
    const s = await scrape(t);
    expect(sample(s, 'klaxon_pages_total', { severity: 'sev1' })).toBe(1);
    expect(sample(s, 'klaxon_escalations_total', { severity: 'sev1' })).toBe(1);
    expect(sample(s, 'klaxon_targets_missed_total', { severity: 'sev1' })).toBe(1);
  });

  it('moves when an incident is declared, paged, escalated, acknowledged and resolved', async () => {
    t = await startApp();
    const before = await scrape(t);
    expect(sample(before, 'klaxon_open_incidents', { severity: 'sev1' })).toBe(0);

    await t.run('bob', 'declare sev1 Checkout down');
    let s = await scrape(t);
    expect(sample(s, 'klaxon_open_incidents', { severity: 'sev1' })).toBe(1);
    expect(sample(s, 'klaxon_pages_total', { severity: 'sev1' })).toBe(1);
    expect(sample(s, 'klaxon_escalations_total', { severity: 'sev1' })).toBe(0);

    t.clock.advance(15 * MINUTE);
    await t.app.tick();
    s = await scrape(t);
    expect(sample(s, 'klaxon_escalations_total', { severity: 'sev1' })).toBe(1);

    t.clock.advance(5 * MINUTE);
    await t.run('alice', 'ack');
    t.clock.advance(40 * MINUTE);
    await t.run('bob', 'resolve Rolled back');
    s = await scrape(t);
    expect(sample(s, 'klaxon_open_incidents', { severity: 'sev1' })).toBe(0);
    expect(sample(s, 'klaxon_acknowledgements_total', { severity: 'sev1' })).toBe(1);
    // Acknowledged after 20 minutes (1200s): in the 1800s bucket, not the 900s one.
    expect(sample(s, 'klaxon_time_to_acknowledge_seconds_bucket', { severity: 'sev1', le: '900' })).toBe(0);
    expect(sample(s, 'klaxon_time_to_acknowledge_seconds_bucket', { severity: 'sev1', le: '1800' })).toBe(1);
    expect(sample(s, 'klaxon_time_to_acknowledge_seconds_sum', { severity: 'sev1' })).toBe(1200);
    expect(sample(s, 'klaxon_time_to_resolve_seconds_sum', { severity: 'sev1' })).toBe(3600);
    expect(sample(s, 'klaxon_time_to_resolve_seconds_count', { severity: 'sev1' })).toBe(1);
  });

  it('counts outbox backlog and delivery failures from the dispatcher', async () => {
    t = await startApp({ adapters: [{ adapter: brokenAdapter() }] });
    await t.run('bob', 'declare sev1 Checkout down');
    await t.app.tick();
    const s = await scrape(t);
    expect(sample(s, 'klaxon_outbox_pending', { platform: 'slack' })).toBeGreaterThan(0);
    expect(sample(s, 'klaxon_outbox_failed', { platform: 'slack' })).toBeGreaterThan(0);
    expect(sample(s, 'klaxon_outbox_delivery_failures_total', { platform: 'slack', permanent: 'true' })).toBeGreaterThan(0);
    expect(sample(s, 'klaxon_outbox_delivery_failures_total', { platform: 'slack', permanent: 'false' })).toBeGreaterThan(0);
  });

  it('two apps in one process keep separate registries', async () => {
    t = await startApp();
    const other = await startApp();
    try {
      await other.run('bob', 'declare sev2 Elsewhere');
      expect(sample(await scrape(t), 'klaxon_open_incidents', { severity: 'sev2' })).toBe(0);
      expect(sample(await scrape(other), 'klaxon_open_incidents', { severity: 'sev2' })).toBe(1);
    } finally {
      await other.stop();
    }
  });

  it('still answers, with klaxon_db_up 0, when the database is gone', async () => {
    t = await startApp();
    t.db.$client.close();
    const s = await scrape(t);
    expect(sample(s, 'klaxon_db_up')).toBe(0);
  });
});
