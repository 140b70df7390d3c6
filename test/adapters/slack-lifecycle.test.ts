// Start-up against Slack: a rejected token stops start-up with one line naming the variable;
// Slack being unreachable does not.
import { afterEach, describe, expect, it } from 'vitest';
import { KlaxonApp } from '../../src/app.js';
import { attachSlack } from '../../src/chat/slack/index.js';
import { loadPolicy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { waitFor } from '../fakes/slack/harness.js';
import { FakeSocketMode } from '../fakes/slack/socket-mode.js';
import { FakeSlack } from '../fakes/slack/web-api.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function build(env: { SLACK_BOT_TOKEN: string; SLACK_SIGNING_SECRET?: string; SLACK_APP_TOKEN?: string; SLACK_API_URL: string }, opts: { retryMs?: number[] } = {}) {
  const db = openDb(':memory:');
  const full = { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5, KLAXON_API_TOKEN: undefined, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: undefined, ...env };
  const app = new KlaxonApp({ env: full, policy: loadPolicy('examples/policies/default.yaml'), db, log: createLogger('silent') });
  await attachSlack(app, full, { proxy: {}, backoffMs: opts.retryMs });
  cleanups.push(async () => {
    await app.stop();
    db.$client.close();
  });
  return app;
}

describe('Slack start-up', () => {
  it('a bot token Slack rejects stops start-up naming SLACK_BOT_TOKEN', async () => {
    const fake = await new FakeSlack({ bot: 'xoxb-the-right-one' }).start();
    cleanups.push(() => fake.stop());
    const app = await build({ SLACK_BOT_TOKEN: 'xoxb-a-wrong-one', SLACK_SIGNING_SECRET: 's3cret-s3cret', SLACK_API_URL: fake.apiUrl });
    await expect(app.start({ loop: false })).rejects.toThrow('SLACK_BOT_TOKEN: Slack rejected the token (invalid_auth)');
  });

  it('an app token Slack rejects stops start-up naming SLACK_APP_TOKEN', async () => {
    const fake = await new FakeSlack({ bot: 'xoxb-good', app: 'xapp-good' }).start();
    const socket = await new FakeSocketMode().start(fake);
    cleanups.push(() => fake.stop(), () => socket.stop());
    const app = await build({ SLACK_BOT_TOKEN: 'xoxb-good', SLACK_APP_TOKEN: 'xapp-wrong', SLACK_API_URL: fake.apiUrl });
    await expect(app.start({ loop: false })).rejects.toThrow(/SLACK_APP_TOKEN: Slack refused the Socket Mode connection \(invalid_auth\)/);
  });

  it('Slack unreachable at start: Klaxon starts anyway, Slack is down and asked again until it answers', async () => {
    const fake = await new FakeSlack({ bot: 'xoxb-good' }).start();
    cleanups.push(() => fake.stop());
    fake.fail({ method: 'auth.test', status: 503, times: 2 });
    const app = await build({ SLACK_BOT_TOKEN: 'xoxb-good', SLACK_SIGNING_SECRET: 's3cret-s3cret', SLACK_API_URL: fake.apiUrl }, { retryMs: [20, 40] });
    await app.start({ loop: false });
    expect(app.connections.get('slack')?.state()).toMatch(/^down \(Slack unreachable: /);
    await waitFor(() => app.connections.get('slack')?.state() === 'connected', 'Slack to answer auth.test again');
    expect(fake.calls.filter((c) => c.method === 'auth.test')).toHaveLength(3);
  });
});

describe('Slack start-up: every fatal token answer stops with one line naming the variable', () => {
  for (const code of ['invalid_auth', 'token_revoked', 'account_inactive', 'missing_scope', 'not_allowed_token_type']) {
    it(`bot token: ${code}`, async () => {
      const fake = await new FakeSlack({ bot: 'xoxb-good' }).start();
      cleanups.push(() => fake.stop());
      fake.fail({ method: 'auth.test', error: code });
      const app = await build({ SLACK_BOT_TOKEN: 'xoxb-good', SLACK_SIGNING_SECRET: 's3cret-s3cret', SLACK_API_URL: fake.apiUrl });
      await expect(app.start({ loop: false })).rejects.toThrow(`SLACK_BOT_TOKEN: Slack rejected the token (${code})`);
    });

    it(`app token: ${code}`, async () => {
      const fake = await new FakeSlack({ bot: 'xoxb-good', app: 'xapp-good' }).start();
      const socket = await new FakeSocketMode().start(fake);
      cleanups.push(() => fake.stop(), () => socket.stop());
      fake.fail({ method: 'apps.connections.open', error: code });
      const app = await build({ SLACK_BOT_TOKEN: 'xoxb-good', SLACK_APP_TOKEN: 'xapp-good', SLACK_API_URL: fake.apiUrl });
      await expect(app.start({ loop: false })).rejects.toThrow(`SLACK_APP_TOKEN: Slack refused the Socket Mode connection (${code})`);
      expect(fake.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
    });
  }
});
