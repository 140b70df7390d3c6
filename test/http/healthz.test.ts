import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError, type ChatAdapter, type Connection } from '../../src/service/port.js';
import { startApp, type TestApp } from './helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

function adapter(platform: 'slack' | 'discord', failDms = false): ChatAdapter {
  let n = 0;
  return {
    platform,
    openIncidentSpace: async (info) => ({ channel: `C${info.number}`, name: `inc-${info.number}` }),
    post: async (to) => {
      if (failDms && 'user' in to) throw new DeliveryError('cannot_dm_bot', { permanent: true });
      return { channel: 'channel' in to ? to.channel : 'D1', id: String(++n) };
    },
    edit: async () => undefined,
    setTopic: async () => undefined,
    invite: async () => undefined,
    rename: async () => undefined,
  };
}

const connection = (state: string): Connection => ({ start: async () => undefined, stop: async () => undefined, state: () => state });

describe('/healthz', () => {
  it('is 200 with the DB, each adapter and the outbox', async () => {
    t = await startApp({ adapters: [{ adapter: adapter('slack'), connection: connection('connected') }, { adapter: adapter('discord'), connection: connection('connecting') }] });
    const r = await t.get('/healthz');
    expect(r.status).toBe(200);
    // Still live (200), but a platform that is not connected yet makes it degraded, and says why.
    expect(await r.json()).toEqual({
      status: 'degraded',
      db: 'ok',
      // One process (no replicas): named by host and pid, and always the leader.
      replica: `${hostname()}-${process.pid}`,
      leader: true,
      adapters: { slack: 'connected', discord: 'connecting' },
      outbox: { pending: 0, failed: 0, lastFailures: [] },
      reasons: ['discord: connecting'],
    });
  });

  it('lists the latest delivery failures with platform, destination and error', async () => {
    t = await startApp({ adapters: [{ adapter: adapter('slack', true) }] });
    await t.run('bob', 'declare sev1 Checkout down');
    await t.app.tick();
    const body = await (await t.get('/healthz')).json();
    expect(body.status).toBe('ok');
    expect(body.outbox.failed).toBeGreaterThan(0);
    expect(body.outbox.lastFailures[0]).toEqual({ platform: 'slack', destination: expect.stringMatching(/^dm:/), error: 'cannot_dm_bot' });
  });

  it('is 503 when the database is unusable', async () => {
    t = await startApp();
    t.db.$client.close();
    const r = await t.get('/healthz');
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ status: 'error', db: 'unusable' });
  });
});
