// Events v2 (PagerDuty's body) and heartbeats through POST /integrations/v1.
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../http/helpers.js';
import { eventsV2Body, TOKENS } from './fixtures.js';
import { alertApp, type AlertApp } from './helpers.js';

let t: AlertApp;
afterEach(async () => {
  await t?.stop();
});

const uptime = (body: unknown, headers: Record<string, string> = {}) => t.post('/integrations/v1/uptime', body, headers);

describe('Events v2', () => {
  it('triggers with the token as routing_key, answers as PagerDuty does, and maps payload.severity', async () => {
    t = await alertApp();
    const r = await uptime(eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN));
    expect(r.status).toBe(202);
    expect(await r.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'srv01/HTTP', outcome: 'opened', incident: 1 });
    const [inc] = await t.incidents();
    expect(inc).toMatchObject({ title: 'DISK at 99% on machine prod-datapipe03.example.com', severity: 'sev1', alertGroup: 'srv01/HTTP', declaredBy: 'integration:uptime' });
    const first = (await t.posts(1))[0];
    expect(first).toContain('source=prod-datapipe03.example.com');
    expect(first).toContain('free_space: 1%');
    expect(first).toContain('Host dashboard https://monitoring.example.com/host/prod-datapipe03');
    // The stored copy of the body never keeps the token.
    const stored = t.db.$client.prepare('select body from alert_deliveries').pluck().all() as string[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain(TOKENS.KLAXON_UPTIME_TOKEN);
  });

  it('acknowledge acknowledges the incident and its pages; resolve resolves; a new trigger opens a new incident', async () => {
    t = await alertApp();
    await uptime(eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN));
    expect((await t.pages(1))[0].status).toBe('open');
    const ack = await uptime(eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN, 'acknowledge'));
    expect(await ack.json()).toMatchObject({ outcome: 'acknowledged', incident: 1 });
    expect((await t.pages(1))[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'integration:uptime' });
    expect((await t.incidents())[0].acknowledgedAt).not.toBeNull();

    // A retried trigger of the open key is a repeat: nothing changes.
    const before = await t.snapshot();
    expect(await (await uptime(eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN))).json()).toMatchObject({ outcome: 'repeat', incident: 1 });
    expect(await t.snapshot()).toEqual(before);

    expect(await (await uptime(eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN, 'resolve'))).json()).toMatchObject({ outcome: 'resolved', incident: 1 });
    expect((await t.incidents())[0].status).toBe('resolved');
    expect(await (await uptime(eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN))).json()).toMatchObject({ outcome: 'opened', incident: 2 });
  });

  it('names the bad field in a 400 and stores nothing', async () => {
    t = await alertApp();
    const cases: [unknown, RegExp][] = [
      [{ ...eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN), event_action: 'explode' }, /^event_action: /],
      [{ ...eventsV2Body(TOKENS.KLAXON_UPTIME_TOKEN), payload: { summary: 'x', source: 'y', severity: 'dire' } }, /^payload\.severity: /],
      [{ routing_key: TOKENS.KLAXON_UPTIME_TOKEN, event_action: 'trigger' }, /^payload: required for trigger/],
      [{ routing_key: TOKENS.KLAXON_UPTIME_TOKEN, event_action: 'resolve' }, /^dedup_key: required for resolve/],
    ];
    for (const [body, error] of cases) {
      const r = await uptime(body);
      expect(r.status).toBe(400);
      expect((await r.json()).error).toMatch(error);
    }
    expect(await t.snapshot()).toMatchObject({ incidents: 0, deliveries: 0, timeline: 0 });
  });

  it('refuses a wrong routing_key with 401 and stores nothing', async () => {
    t = await alertApp();
    const r = await uptime(eventsV2Body('not-the-token-0000000000'));
    expect(r.status).toBe(401);
    const none = await uptime({ ...eventsV2Body(''), routing_key: undefined });
    expect(none.status).toBe(401);
    expect(await t.snapshot()).toMatchObject({ incidents: 0, deliveries: 0 });
  });
});

describe('heartbeat', () => {
  const beat = (body?: unknown) => t.post(`/integrations/v1/nightly-backup/${TOKENS.KLAXON_BACKUP_TOKEN}`, body ?? '');

  it('opens an incident when no call comes within expect_every, resolves it on the next call, and counts again from there', async () => {
    t = await alertApp();
    expect((await beat()).status).toBe(202);
    t.clock.advance(24 * HOUR);
    expect((await beat({ message: 'backup 41 GB ok' })).status).toBe(202);
    // 25h after the last call, not the first: the call re-armed the deadline.
    t.clock.advance(25 * HOUR - MINUTE);
    await t.app.tick();
    expect(await t.incidents()).toHaveLength(0);
    t.clock.advance(MINUTE);
    await t.app.tick();
    const [inc] = await t.incidents();
    expect(inc).toMatchObject({ title: 'No heartbeat from nightly-backup for 1d 1h', severity: 'sev2', status: 'investigating', integration: 'nightly-backup' });
    expect(await t.pages(inc.id)).toHaveLength(1);
    // Still silent: the open incident is not repeated.
    t.clock.advance(30 * HOUR);
    await t.app.tick();
    expect(await t.incidents()).toHaveLength(1);

    const r = await beat({ message: 'backup finished late' });
    expect(await r.json()).toEqual({ outcome: 'resolved', incident: 1 });
    expect((await t.incidents())[0]).toMatchObject({ status: 'resolved', summary: 'nightly-backup called again: backup finished late.' });
    t.clock.advance(25 * HOUR);
    await t.app.tick();
    expect((await t.incidents()).map((i) => i.status)).toEqual(['resolved', 'investigating']);
  });

  it('is armed at start-up even if it has never been called', async () => {
    t = await alertApp();
    t.clock.advance(25 * HOUR);
    await t.app.tick();
    expect(await t.incidents()).toHaveLength(1);
  });
});
