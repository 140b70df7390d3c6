// Every duration has a ceiling (a year): a typo such as "99999999999999999999w" is refused with a
// message that says so, instead of overflowing a Date and taking the process down.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/duration.js';
import { parsePolicy } from '../../src/config/policy/index.js';
import { overrides } from '../../src/store/tables.js';
import { harness } from '../helpers/harness.js';

describe('duration bounds', () => {
  it('accepts up to a year and refuses longer, for wall-clock and business time', () => {
    expect(parseDuration('366d')).not.toBeNull();
    expect(parseDuration('367d')).toBeNull();
    expect(parseDuration('99999999999999999999w')).toBeNull();
    expect(parseDuration('260 business days')).not.toBeNull();
    expect(parseDuration('261 business days')).toBeNull();
  });

  it('stats and override with a huge duration answer with the limit and store nothing', async () => {
    const h = harness();
    const stats = await h.run('alice', 'stats 99999999999999999999w');
    expect(stats.ok).toBe(false);
    expect(stats.text).toContain('"99999999999999999999w" is longer than a year');
    const over = await h.run('alice', 'override primary @bob 99999999999999999999w');
    expect(over.ok).toBe(false);
    expect(over.text).toContain('longer than a year');
    expect((await h.db.select().from(overrides))).toEqual([]);
    // And the service still answers afterwards.
    expect((await h.run('alice', 'stats 30d')).ok).toBe(true);
  });

  it('a policy duration beyond the ceiling is refused with its path', () => {
    const yaml = `
people: { alice: { name: Alice } }
escalation_policies: { default: { tiers: [{ targets: [person:alice], ack_timeout: 99999999999999w }] } }
severities: [{ id: sev1, description: Outage, page: default, targets: { resolve: 9999 business days } }]
`;
    expect(() => parsePolicy(yaml)).toThrow(/escalation_policies\.default\.tiers\[0\]\.ack_timeout: "99999999999999w" is longer than a year/);
    expect(() => parsePolicy(yaml)).toThrow(/severities\[0\]\.targets\.resolve: "9999 business days" is longer than a year/);
  });
});
