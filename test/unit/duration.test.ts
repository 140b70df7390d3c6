import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMs, parseDuration } from '../../src/domain/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['90s', 90 * S],
    ['15m', 15 * M],
    ['4h', 4 * H],
    ['2d', 2 * D],
    ['1w', 7 * D],
    ['1h30m', 90 * M],
    ['1h 30m', 90 * M],
    ['15 minutes', 15 * M],
    ['1 hour', H],
    ['2 days', 2 * D],
    ['1 hour 30 minutes', 90 * M],
    ['1.5h', 90 * M],
  ])('reads %s as wall-clock', (text, ms) => {
    expect(parseDuration(text)).toEqual({ kind: 'wall', ms, text });
  });

  it.each([
    ['4 business hours', 'hours', 4],
    ['3 business days', 'days', 3],
    ['1 business day', 'days', 1],
    ['1 business hour', 'hours', 1],
  ] as const)('reads %s as business time', (text, unit, amount) => {
    expect(parseDuration(text)).toEqual({ kind: 'business', unit, amount, text });
  });

  it('ignores case and surrounding spaces, keeping the trimmed text', () => {
    expect(parseDuration('  15M ')).toEqual({ kind: 'wall', ms: 15 * M, text: '15M' });
    expect(parseDuration(' 3 Business DAYS')).toEqual({ kind: 'business', unit: 'days', amount: 3, text: '3 Business DAYS' });
  });

  it.each(['', '   ', '0m', '0 business days', '-5m', '15', 'soon', '3 buisness days', '5ms', '1h30', 'm15', '1 fortnight', 'business days'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe('formatMs', () => {
  it('formats the contract examples', () => {
    expect(formatMs(5_400_000)).toBe('1h 30m');
    expect(formatMs(90_000)).toBe('1m 30s');
  });

  it('uses days, drops zero parts and sub-second remainders', () => {
    expect(formatMs(D + 2 * H + 5 * S)).toBe('1d 2h 5s');
    expect(formatMs(15 * M)).toBe('15m');
    expect(formatMs(1500)).toBe('1s');
    expect(formatMs(0)).toBe('0s');
    expect(formatMs(-90_000)).toBe('-1m 30s');
  });

  it('round-trips through parseDuration for whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 * 24 * 3600 }), (seconds) => {
        const parsed = parseDuration(formatMs(seconds * S));
        expect(parsed).not.toBeNull();
        expect(parsed!.kind === 'wall' && parsed!.ms).toBe(seconds * S);
      }),
    );
  });
});
