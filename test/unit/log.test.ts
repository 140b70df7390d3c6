import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

describe('logging', () => {
  it('never writes tokens, secrets or authorization headers', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const log = createLogger('debug', sink);
    log.info({ env: { SLACK_BOT_TOKEN: 'xoxb-secret-1', SLACK_SIGNING_SECRET: 'sign-secret-2', DISCORD_TOKEN: 'discord-secret-3', KLAXON_API_TOKEN: 'api-secret-4' } }, 'config');
    log.info({ req: { headers: { authorization: 'Bearer api-secret-5' } } }, 'request');
    log.info({ token: 'xapp-secret-6', options: { botToken: 'xoxb-secret-7' } }, 'client');
    for (const secret of ['xoxb-secret-1', 'sign-secret-2', 'discord-secret-3', 'api-secret-4', 'api-secret-5', 'xapp-secret-6', 'xoxb-secret-7']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
  });
});
