// What POST /integrations/v1 refuses, and what it keeps to itself: 401/404/400/413/429 store
// nothing; tokens never reach a log line; /metrics counts it all.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { MAX_ALERT_BODY_BYTES, STORED_BODY_BYTES } from '../../src/http/integrations.js';
import { parsePrometheus, sample } from '../http/prometheus.js';
import { alertmanagerBody, TOKENS } from './fixtures.js';
import { alertApp, type AlertApp } from './helpers.js';

let t: AlertApp;
afterEach(async () => {
  await t?.stop();
});

const bearer = { authorization: `Bearer ${TOKENS.KLAXON_PROMETHEUS_TOKEN}` };

describe('POST /integrations/v1 guards', () => {
  it('accepts the token as a Bearer header or in the path; refuses a missing or wrong one with 401 and stores nothing', async () => {
    t = await alertApp();
    const wrongSameLength = TOKENS.KLAXON_PROMETHEUS_TOKEN.slice(0, -1) + 'x';
    const refused = [
      await t.post('/integrations/v1/prometheus', alertmanagerBody()),
      await t.post('/integrations/v1/prometheus', alertmanagerBody(), { authorization: `Bearer ${wrongSameLength}` }),
      await t.post('/integrations/v1/prometheus', alertmanagerBody(), { authorization: `Bearer ${TOKENS.KLAXON_GRAFANA_TOKEN}` }),
      await t.post(`/integrations/v1/prometheus/${wrongSameLength}`, alertmanagerBody()),
    ];
    for (const r of refused) expect(r.status).toBe(401);
    expect(await t.snapshot()).toMatchObject({ incidents: 0, deliveries: 0, timeline: 0, outbox: 0 });

    expect((await t.post(`/integrations/v1/prometheus/${TOKENS.KLAXON_PROMETHEUS_TOKEN}`, alertmanagerBody())).status).toBe(202);
    expect((await t.post('/integrations/v1/prometheus', alertmanagerBody({ group: 'Other' }), bearer)).status).toBe(202);
    expect(await t.incidents()).toHaveLength(2);
  });

  it('answers 404 for an unknown integration and for one whose token variable is unset', async () => {
    t = await alertApp({ secrets: { KLAXON_PROMETHEUS_TOKEN: TOKENS.KLAXON_PROMETHEUS_TOKEN } });
    const unknown = await t.post('/integrations/v1/toString', alertmanagerBody(), bearer);
    expect(unknown.status).toBe(404);
    const off = await t.post('/integrations/v1/grafana', alertmanagerBody(), { authorization: 'Bearer anything' });
    expect(off.status).toBe(404);
    expect((await off.json()).error).toMatch(/grafana is off/);
    expect(await t.snapshot()).toMatchObject({ incidents: 0, deliveries: 0 });
  });

  it('answers 400 naming the field of a body that can never succeed, and stores nothing', async () => {
    t = await alertApp();
    const cases: [unknown, RegExp][] = [
      ['{not json', /^body: not valid JSON/],
      [{ ...alertmanagerBody(), alerts: [] }, /^alerts: expected at least one alert/],
      [{ ...alertmanagerBody(), groupKey: undefined }, /^groupKey: /],
      [{ ...alertmanagerBody(), version: '3' }, /^version: expected "4"/],
      [{ ...alertmanagerBody(), alerts: [{ ...alertmanagerBody().alerts[0], status: 'burning' }] }, /^alerts\.0\.status: /],
      [{ ...alertmanagerBody(), alerts: [{ ...alertmanagerBody().alerts[0], labels: { a: 1 } }] }, /^alerts\.0\.labels\.a: /],
    ];
    for (const [body, error] of cases) {
      const r = await t.post('/integrations/v1/prometheus', body, bearer);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await r.json()).error).toMatch(error);
    }
    expect(await t.snapshot()).toMatchObject({ incidents: 0, deliveries: 0, timeline: 0 });
  });

  it('answers 413 for a body past the cap and stores nothing', async () => {
    t = await alertApp();
    const huge = alertmanagerBody();
    (huge.commonAnnotations as Record<string, string>) = { description: 'x'.repeat(MAX_ALERT_BODY_BYTES) };
    const r = await t.post('/integrations/v1/prometheus', huge, bearer);
    expect(r.status).toBe(413);
    expect(await t.snapshot()).toMatchObject({ incidents: 0, deliveries: 0 });
  });

  it('stores an accepted body once, capped at 64 KiB, and processes every alert in it', async () => {
    t = await alertApp();
    const body = alertmanagerBody({ hosts: Array.from({ length: 300 }, (_, i) => `web-${i}`) });
    body.alerts.forEach((a) => (a.annotations.description = 'd'.repeat(300)));
    const text = JSON.stringify(body);
    expect(text.length).toBeGreaterThan(STORED_BODY_BYTES);
    expect((await t.post('/integrations/v1/prometheus', text, bearer)).status).toBe(202);
    expect((await t.post('/integrations/v1/prometheus', text, bearer)).status).toBe(202);
    const stored = t.db.$client.prepare('select body, bytes from alert_deliveries').all() as { body: string; bytes: number }[];
    expect(stored).toHaveLength(1);
    expect(stored[0].bytes).toBe(Buffer.byteLength(text));
    expect(stored[0].body.length).toBeLessThanOrEqual(STORED_BODY_BYTES + 20);
    expect(stored[0].body.endsWith('…[truncated]')).toBe(true);
    expect((await t.timeline(1)).filter((e) => e.kind === 'alerts').map((e) => e.text)).toEqual([expect.stringMatching(/^300 alerts firing: web-0, /)]);
  });

  it('answers 429 past rate_limit calls a minute per token, with Retry-After, until the bucket refills', async () => {
    t = await alertApp({ prometheus: '    rate_limit: 3\n' });
    for (let i = 0; i < 3; i++) expect((await t.post('/integrations/v1/prometheus', alertmanagerBody(), bearer)).status).toBe(202);
    const limited = await t.post('/integrations/v1/prometheus', alertmanagerBody({ group: 'New' }), bearer);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(await t.incidents()).toHaveLength(1);
    // Another integration has its own bucket.
    expect((await t.post(`/integrations/v1/nightly-backup/${TOKENS.KLAXON_BACKUP_TOKEN}`, '')).status).toBe(202);
    t.clock.advance(20_000);
    expect((await t.post('/integrations/v1/prometheus', alertmanagerBody({ group: 'New' }), bearer)).status).toBe(202);
    expect(await t.incidents()).toHaveLength(2);
  });

  it('never logs a token, even when processing fails', async () => {
    let logged = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) });
    t = await alertApp({ log: createLogger('debug', sink) });
    // A broken database makes the delivery fail inside the handler.
    t.db.$client.exec('drop table incident_alerts');
    const r = await t.post(`/integrations/v1/prometheus/${TOKENS.KLAXON_PROMETHEUS_TOKEN}`, alertmanagerBody());
    expect(r.status).toBe(500);
    expect(logged).toContain('alert delivery failed');
    expect(logged).toContain('"integration":"prometheus"');
    expect(logged).not.toContain(TOKENS.KLAXON_PROMETHEUS_TOKEN);
    expect(await t.incidents()).toHaveLength(0);
  });

  it('counts alerts received, deduplicated, rejected and rate-limited, and incidents opened, by integration', async () => {
    t = await alertApp({ prometheus: '    rate_limit: 4\n' });
    await t.prometheus(alertmanagerBody({ hosts: ['web-1'] }));
    await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2'] }));
    await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2'], resolved: ['web-1'] }));
    await t.post('/integrations/v1/prometheus', alertmanagerBody(), { authorization: 'Bearer wrong' });
    await t.prometheus({ alerts: 'no' });
    await t.prometheus(alertmanagerBody());
    const s = parsePrometheus(await (await fetch(`${t.base}/metrics`)).text());
    expect(sample(s, 'klaxon_alerts_received_total', { integration: 'prometheus', status: 'firing' })).toBe(4);
    expect(sample(s, 'klaxon_alerts_received_total', { integration: 'prometheus', status: 'resolved' })).toBe(1);
    expect(sample(s, 'klaxon_alerts_deduplicated_total', { integration: 'prometheus' })).toBe(4);
    expect(sample(s, 'klaxon_alerts_deduplicated_total', { integration: 'grafana' })).toBe(0);
    expect(sample(s, 'klaxon_alert_calls_rejected_total', { integration: 'prometheus', reason: 'unauthorized' })).toBe(1);
    expect(sample(s, 'klaxon_alert_calls_rejected_total', { integration: 'prometheus', reason: 'invalid' })).toBe(1);
    expect(sample(s, 'klaxon_alert_calls_rate_limited_total', { integration: 'prometheus' })).toBe(1);
    expect(sample(s, 'klaxon_alert_incidents_opened_total', { integration: 'prometheus' })).toBe(1);
    expect(sample(s, 'klaxon_alert_incidents_opened_total', { integration: 'uptime' })).toBe(0);
  });
});
