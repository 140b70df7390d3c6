import { describe, expect, it } from 'vitest';
import { listenError, namesVariable, StartupError } from '../../src/store/startup-errors.js';

describe('start-up errors', () => {
  it('an error whose message names a variable is a one-line start-up error, however it was thrown', () => {
    // As the Slack and Discord connections throw them.
    expect(namesVariable(new Error('SLACK_BOT_TOKEN: Slack rejected the token (invalid_auth)'))).toBe(true);
    expect(namesVariable(new Error('DISCORD_TOKEN: Discord rejected the bot token (401)'))).toBe(true);
    expect(namesVariable(new StartupError('anything'))).toBe(true);
    expect(namesVariable(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(namesVariable(new Error('Error: something'))).toBe(false);
  });

  it('listen errors name PORT or HOST; others are left alone', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(listenError(err('EADDRINUSE'), '127.0.0.1', 3000)?.message).toMatch(/^PORT: 3000 is already in use on 127\.0\.0\.1/);
    expect(listenError(err('EACCES'), '0.0.0.0', 80)?.message).toMatch(/^PORT: not allowed to listen on 80/);
    expect(listenError(err('ENOTFOUND'), 'nope', 3000)?.message).toMatch(/^HOST: cannot resolve "nope"/);
    expect(listenError(err('EADDRNOTAVAIL'), '10.9.9.9', 3000)?.message).toMatch(/^HOST: 10\.9\.9\.9 is not an address of this machine/);
    expect(listenError(err('ECONNRESET'), 'x', 1)).toBeUndefined();
  });
});
