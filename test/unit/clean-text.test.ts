import { describe, expect, it } from 'vitest';
import { cleanField, cleanText, isInvisible } from '../../src/domain/clean-text.js';

describe('cleanText (the edge rule for incoming text)', () => {
  it.each([
    ['NUL and BEL', 'Checkout\u0000 down\u0007', 'Checkout down'],
    ['ANSI colours', '\u001b[31mCheckout\u001b[0m down', 'Checkout down'],
    ['an OSC title sequence', '\u001b]0;pwned\u0007Checkout down', 'Checkout down'],
    ['bidi overrides and isolates', 'invoice\u202egpj.exe\u2066x\u2069', 'invoicegpj.exex'],
    ['C1 controls and DEL', 'a\u0085b\u009bc\u007fd', 'abcd'],
    ['a lone surrogate', 'a\ud800b', 'ab'],
    ['CRLF', 'line one\r\nline two\rthree', 'line one\nline two\nthree'],
  ])('removes %s', (_what, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it('keeps what people mean: accents, emoji (with ZWJ), CJK, tabs and newlines', () => {
    const text = 'Café 🔥 👩‍💻 支払い\tdown\nsecond line';
    expect(cleanText(text)).toBe(text);
  });

  it('treats whitespace, zero-width and other invisible characters as nothing', () => {
    for (const s of ['', '   ', '\u200b\u200c\u200d', '\u2800\u3164', '\ufeff\u00ad', '\u202e\u0007']) expect(cleanField(s), JSON.stringify(s)).toBe('');
    expect(isInvisible('a\u200b')).toBe(false);
  });
});
