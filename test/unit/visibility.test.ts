// Who the status page shows: a public severity, open at least its publish_after.
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy/index.js';
import { isPubliclyVisible } from '../../src/service/visibility.js';

const policy = parsePolicy(`
timezone: UTC
status_page: { title: Status, publish_after: 30m }
severities:
  - { id: P0, description: Critical, public: true, publish_after: 5m }
  - { id: P1, description: High, public: true }
  - { id: P2, description: Medium }
`);
const T0 = new Date('2026-03-04T10:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const visible = (severity: string, min: number) => isPubliclyVisible(policy, { severity, declaredAt: T0, resolvedAt: null }, at(min));

describe('per-severity publish_after', () => {
  it("a severity's own publish_after wins over the status page's", () => {
    expect([visible('P0', 4), visible('P0', 5)]).toEqual([false, true]);
    expect([visible('P1', 29), visible('P1', 30)]).toEqual([false, true]);
    expect(visible('P2', 600)).toBe(false);
  });

  it('a P0 fixed within its 5 minutes never goes public', () => {
    expect(isPubliclyVisible(policy, { severity: 'P0', declaredAt: T0, resolvedAt: at(4) }, at(60))).toBe(false);
  });
});
