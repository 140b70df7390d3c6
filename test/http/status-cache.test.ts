// The status page's model is rebuilt when something was written, not when a monitor probes
// /healthz (whose readiness check writes a row every time): at 100k incidents a rebuild is costly.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { mountHttp } from '../../src/http/routes.js';
import { FakeClock } from '../../src/service/clock.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { testPolicy } from '../helpers/harness.js';
import { MINUTE, startApp, T0, type TestApp } from './helpers.js';

const built = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../src/http/status/model.js', async (original) => {
  const m = await original<typeof import('../../src/http/status/model.js')>();
  return {
    ...m,
    loadStatus: async (...args: Parameters<typeof m.loadStatus>) => {
      built.n++;
      return await m.loadStatus(...args);
    },
  };
});

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

describe('/status model cache', () => {
  it('is not rebuilt by /healthz probes, and is rebuilt by a new update', async () => {
    t = await startApp();
    await t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(31 * MINUTE);
    expect((await t.get('/status')).status).toBe(200);
    const after = built.n;
    for (let i = 0; i < 3; i++) expect((await t.get('/healthz')).status).toBe(200);
    expect((await t.get('/status')).status).toBe(200);
    expect(built.n).toBe(after);
    await t.run('bob', 'update #1 Rolled back the deploy');
    const page = await (await t.get('/status')).text();
    expect(built.n).toBe(after + 1);
    expect(page).toContain('Checkout down');
  });

  it('is built once for requests that arrive together', async () => {
    t = await startApp();
    await t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(31 * MINUTE);
    const before = built.n;
    const pages = await Promise.all([t.get('/status'), t.get('/status.json'), t.get('/status/feed.atom')]);
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
    expect(built.n).toBe(before + 1);
  });

  it('is built by the warm-up, so the first visitor finds it ready', async () => {
    t = await startApp();
    await t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(31 * MINUTE);
    const before = built.n;
    await t.app.warmUp();
    expect(built.n).toBe(before + 1);
    expect(await (await t.get('/status')).text()).toContain('Checkout down');
    expect(built.n).toBe(before + 1);
  });

  it('is built in the background when Klaxon starts', async () => {
    const before = built.n;
    const db = openDb(':memory:');
    const app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5 }, policy: testPolicy({}), db, clock: new FakeClock(T0), secrets: {} });
    mountHttp(app.httpDeps());
    try {
      await app.start();
      await vi.waitFor(() => expect(built.n).toBe(before + 1));
    } finally {
      await app.stop();
      closeDb(db);
    }
  });
});
