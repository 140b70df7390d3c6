// /metrics sums incidents and pages a block of ids at a time and keeps the blocks that can no
// longer change (settled-blocks.ts). These scrapes use blocks of 2 ids so a handful of incidents
// spans several, and compare every history series with a registry that keeps nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/http/metrics/registry.js';
import { MINUTE, startApp, type TestApp } from './helpers.js';
import { parsePrometheus, sample } from './prometheus.js';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const HISTORY = /^klaxon_(pages_total|escalations_total|acknowledgements_total|pages_exhausted_total|time_to_(acknowledge|resolve)_seconds_(bucket|sum|count))$/;

async function historySeries(m: Metrics): Promise<Record<string, number>> {
  await m.refresh();
  const out: Record<string, number> = {};
  for (const s of parsePrometheus(await m.register.metrics())) if (HISTORY.test(s.name)) out[`${s.name}${JSON.stringify(s.labels)}`] = s.value;
  return out;
}

describe('/metrics history totals kept per block', () => {
  it('count changes to open incidents in old blocks and to a block still filling, and agree with a full sum', async () => {
    t = await startApp();
    const kept = createMetrics(t.app.httpDeps(), 2);
    // #1 stays open while #2–#5 are acknowledged and resolved: block 1 (#1, #2) holds an open
    // incident, block 3 (#5 and a #6 not yet declared) is not full.
    for (let i = 1; i <= 5; i++) {
      await t.run('bob', `declare sev1 Outage ${i}`);
      t.clock.advance(MINUTE);
    }
    for (let i = 2; i <= 5; i++) {
      await t.run('alice', `ack #${i}`);
      t.clock.advance(10 * MINUTE);
      await t.run('bob', `resolve #${i} Fixed`);
    }
    const first = await historySeries(kept);
    expect(first).toEqual(await historySeries(createMetrics(t.app.httpDeps())));
    expect(sample(parsePrometheus(await kept.register.metrics()), 'klaxon_time_to_resolve_seconds_count', { severity: 'sev1' })).toBe(4);
    // Only block 2 (#3, #4) is settled: full, nothing open.
    expect(kept.keptBlocks).toBe(1);

    await t.run('alice', 'ack #1');
    t.clock.advance(MINUTE);
    await t.run('bob', 'resolve #1 Fixed');
    await t.run('bob', 'declare sev1 Outage 6');
    t.clock.advance(MINUTE);
    await t.run('alice', 'ack #6');
    await t.run('bob', 'resolve #6 Fixed');

    const second = await historySeries(kept);
    expect(second).toEqual(await historySeries(createMetrics(t.app.httpDeps())));
    const s = parsePrometheus(await kept.register.metrics());
    expect(sample(s, 'klaxon_time_to_resolve_seconds_count', { severity: 'sev1' })).toBe(6);
    expect(sample(s, 'klaxon_acknowledgements_total', { severity: 'sev1' })).toBe(6);
    expect(kept.keptBlocks).toBe(3);
  });
});
