// /readyz tells the truth: 503 with the reason when a page is stuck, the scheduler is stale or a
// platform is not connected; /healthz stays 200 but says "degraded".
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/service/port.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { startApp, type TestApp } from '../http/helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('/readyz', () => {
  it('is 200 with every check when Klaxon can page', async () => {
    t = await startApp({ adapters: [{ adapter: new RecordingAdapter('slack') }] });
    const r = await t.get('/readyz');
    const body = await r.json();
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: 'ready', reasons: [], db: { writable: true }, scheduler: { ok: true, ageSeconds: 0 }, pages: { oldestPendingSeconds: null, thresholdSeconds: 120 } });
    expect((await (await t.get('/healthz')).json()).status).toBe('ok');
  });

  it('turns 503 when a page has waited longer than the threshold (Slack failing), and /healthz says degraded', async () => {
    const slack = new RecordingAdapter('slack');
    slack.failWith = () => new DeliveryError('slack chat.postMessage: HTTP 500');
    t = await startApp({ adapters: [{ adapter: slack }] });
    await t.run('bob', 'declare sev1 Checkout down');
    await t.app.tick();
    t.clock.advance(60_000);
    await t.app.tick();
    expect((await t.get('/readyz')).status).toBe(200);
    t.clock.advance(61_000);
    await t.app.tick();
    const r = await t.get('/readyz');
    const body = await r.json();
    expect(r.status).toBe(503);
    expect(body.reasons).toContain('a page has waited 121s for delivery (threshold 120s)');
    expect(body.adapters.slack.delivery).toMatch(/^failing/);
    const health = await t.get('/healthz');
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('degraded');
    const metrics = await (await t.get('/metrics')).text();
    expect(metrics).toMatch(/^klaxon_ready 0$/m);
    expect(metrics).toMatch(/^klaxon_oldest_pending_page_seconds 121$/m);
    expect(metrics).toMatch(/^klaxon_platform_up\{platform="slack"\} 0$/m);
  });

  it('turns 503 when the scheduler has not completed a step for too long', async () => {
    t = await startApp();
    t.clock.advance(31_000);
    const r = await t.get('/readyz');
    expect(r.status).toBe(503);
    expect((await r.json()).reasons).toEqual(['the scheduler last completed a step 31s ago']);
    await t.app.tick();
    expect((await t.get('/readyz')).status).toBe(200);
  });
});
