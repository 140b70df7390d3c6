// The status page's model is rebuilt when something was written, not when a monitor probes
// /healthz (whose readiness check writes a row every time): at 100k incidents a rebuild is costly.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MINUTE, startApp, type TestApp } from './helpers.js';

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
});
