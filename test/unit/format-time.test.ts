import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/config/policy/index.js';
import { formatTime } from '../../src/service/incident-view.js';

// formatTime keeps recent minutes' texts per zone: the same instant must still read in each
// policy's own zone, and a clock change inside the cache must still show.
const zone = (timezone: string) => ({ timezone }) as Policy;

describe('formatTime', () => {
  it('shows one instant in each policy’s own zone', () => {
    const at = new Date('2026-03-04T10:15:30Z');
    expect(formatTime(zone('Europe/London'), at)).toBe('2026-03-04 10:15 GMT');
    expect(formatTime(zone('America/New_York'), at)).toBe('2026-03-04 05:15 EST');
    expect(formatTime(zone('Europe/London'), new Date('2026-03-04T10:15:59Z'))).toBe('2026-03-04 10:15 GMT');
  });

  it('follows a clock change minute by minute', () => {
    const london = zone('Europe/London');
    expect(formatTime(london, new Date('2026-03-29T00:59:00Z'))).toBe('2026-03-29 00:59 GMT');
    expect(formatTime(london, new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29 02:00 GMT+1');
    expect(formatTime(london, new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29 00:59 GMT');
  });
});
