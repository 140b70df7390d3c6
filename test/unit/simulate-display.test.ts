import { describe, expect, it } from 'vitest';
import { displayLines, simulate } from '../../src/cli/simulate.js';
import { loadPolicy } from '../../src/config/policy/index.js';

const policy = loadPolicy('examples/policies/default.yaml');
const start = new Date('2026-03-04T10:00:00Z');

describe('klaxon simulate', () => {
  it('stops at the default horizon (3 days), says so, and folds a nudge repeated every 30m into one line', async () => {
    const r = await simulate({ policy, severity: 'sev1', start });
    expect(r.cutAt).toBe('2026-03-07T10:00:00.000Z');
    const lines = displayLines(policy, r.events);
    const nudges = lines.filter((l) => l.includes('Nudged'));
    expect(nudges).toHaveLength(1);
    expect(nudges[0]).toMatch(/— every 30m ×\d+ until 2026-03-07 10:00 GMT$/);
    expect(lines.length).toBeLessThan(30);
  });

  it('--until cuts earlier; a resolution before the horizon is not a cut', async () => {
    const short = await simulate({ policy, severity: 'sev1', start, horizonMs: 20 * 60_000 });
    expect(short.cutAt).toBe('2026-03-04T10:20:00.000Z');
    expect(short.events.every((e) => e.offsetMs <= 20 * 60_000)).toBe(true);
    const resolved = await simulate({ policy, severity: 'sev1', start, ackAfterMs: 10 * 60_000, resolveAfterMs: 3 * 3600_000 });
    expect(resolved.cutAt).toBeNull();
  });
});
