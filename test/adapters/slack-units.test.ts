// The Slack adapter's pure pieces: Block Kit rendering, escaping, error classification, titles
// from messages, the declare form, channel-name suffixes, and a network failure against a closed port.
import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { SlackAdapter, suffixedName } from '../../src/chat/slack/adapter.js';
import { ACK_ACTION, escapeText, renderBlocks } from '../../src/chat/slack/blocks.js';
import { baseClientOptions, createClient } from '../../src/chat/slack/client.js';
import { toDeliveryError } from '../../src/chat/slack/errors.js';
import { boltLogger, scrubber } from '../../src/chat/slack/logger.js';
import { plainText } from '../../src/chat/slack/messages.js';
import { titleFromMessage } from '../../src/service/inbound.js';
import { declareView, readDeclareView } from '../../src/chat/slack/modal.js';
import { loadPolicy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { pageBody } from '../../src/service/messages.js';

const policy = loadPolicy('examples/policies/default.yaml');
const silent = createLogger('silent');

describe('Block Kit', () => {
  it('renders a page with a header, fields and an Acknowledge button carrying the page id', () => {
    const body = pageBody(policy, { number: 3, title: 'API down', severity: 'SEV1', tier: 1, person: '<@U01BOB>' }, 42, 3, false);
    const blocks = renderBlocks(body) as { type: string; text?: { text: string }; fields?: unknown[]; elements?: { action_id: string; value: string }[] }[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
    expect(blocks[0].text!.text).toBe(':rotating_light: Page: #3 API down');
    expect(blocks[1].text!.text).toContain('<@U01BOB>');
    expect(blocks[2].fields).toHaveLength(2);
    expect(blocks[3].elements![0]).toMatchObject({ action_id: ACK_ACTION, value: '42' });
  });

  it('escapes user text but keeps mentions, channel links and links', () => {
    expect(escapeText('a < b && c > d <@U1> <#C2|x> <https://e.com|e>')).toBe('a &lt; b &amp;&amp; c &gt; d <@U1> <#C2|x> <https://e.com|e>');
    // A typed @channel/@here (Slack sends <!channel>) must not ping everyone in announcements.
    expect(escapeText('<!channel> <!here> <!subteam^S1> down')).toBe('&lt;!channel&gt; &lt;!here&gt; &lt;!subteam^S1&gt; down');
    expect(escapeText('<script>')).toBe('&lt;script&gt;');
  });

  it('adds list lines only when the text does not already carry them, and splits long text', () => {
    const blocks = renderBlocks({ text: 'x'.repeat(2500) + '\n' + 'y'.repeat(2500), lines: ['extra line'] });
    expect(blocks.filter((b) => b.type === 'section')).toHaveLength(3);
    expect(renderBlocks({ text: 'head\n☐ one', lines: ['☐ one'] })).toHaveLength(1);
  });

  it('stays within 50 blocks and keeps the buttons', () => {
    const many = renderBlocks({ text: 't', fields: Array.from({ length: 600 }, (_, i) => ({ label: `f${i}`, value: 'v' })), actions: [{ id: 'ack', label: 'Ack', value: '1' }] });
    expect(many.length).toBeLessThanOrEqual(50);
    expect(many[many.length - 1].type).toBe('actions');
  });
});

describe('delivery errors', () => {
  const platform = (error: string) => new Error(`An API error occurred: ${error}`) as Error & Record<string, unknown>;
  const asPlatform = (error: string) => Object.assign(platform(error), { code: webApi.ErrorCode.PlatformError, data: { ok: false, error } });

  it.each(['channel_not_found', 'not_in_channel', 'account_inactive', 'is_archived', 'invalid_auth', 'token_revoked', 'invalid_blocks'])('%s is permanent', (code) => {
    const e = toDeliveryError(asPlatform(code), 'chat.postMessage');
    expect(e.opts.permanent).toBe(true);
    expect(e.message).toContain(code);
  });

  it('429 waits Retry-After; 5xx, internal_error and network failures are transient; other HTTP statuses are permanent', () => {
    expect(toDeliveryError(Object.assign(new Error('rl'), { code: webApi.ErrorCode.RateLimitedError, retryAfter: 12 }), 'm').opts).toEqual({ retryAfterMs: 12_000, global: true });
    expect(toDeliveryError(Object.assign(new Error('h'), { code: webApi.ErrorCode.HTTPError, statusCode: 503 }), 'm').opts.permanent).toBe(false);
    expect(toDeliveryError(Object.assign(new Error('h'), { code: webApi.ErrorCode.HTTPError, statusCode: 404 }), 'm').opts.permanent).toBe(true);
    expect(toDeliveryError(asPlatform('internal_error'), 'm').opts.permanent).toBe(false);
    expect(toDeliveryError(Object.assign(new Error('n'), { code: webApi.ErrorCode.RequestError, original: new Error('ECONNREFUSED') }), 'm').opts.permanent).toBeUndefined();
  });

  it('a real client against a closed port fails transiently, without retrying by itself', async () => {
    const client = createClient('xoxb-closed-port-token', baseClientOptions('http://127.0.0.1:9/api/', boltLogger(silent, scrubber([]))));
    const adapter = new SlackAdapter(client, silent);
    const started = Date.now();
    const err = (await adapter.post({ channel: 'C1' }, { text: 'hi' }).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e,
    )) as { message: string; opts: { permanent?: boolean } };
    expect(err.message).toMatch(/network error/);
    expect(err.opts.permanent).toBeFalsy();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('names and titles', () => {
  it('suffixes a taken name within 80 characters', () => {
    expect(suffixedName('inc-1-api', '-2')).toBe('inc-1-api-2');
    const long = `inc-1-${'a'.repeat(74)}`;
    expect(suffixedName(long, '-12')).toHaveLength(80);
  });

  it('titles an incident from the first line of a message, readable', () => {
    const title = (text: string) => titleFromMessage('slack', plainText(text));
    expect(title('<!here> checkout <https://x.io|is down> for <@U1|bob>\nsecond line')).toBe('@here checkout is down for @bob');
    expect(title('')).toBe('Declared from a Slack message');
    expect(title('\n  \nsecond   line')).toBe('second line');
    expect(title('x'.repeat(300))).toHaveLength(120);
    expect(plainText('a &lt;b&gt; &amp; <#C1|ops>')).toBe('a <b> & #ops');
  });
});

describe('declare form', () => {
  it('offers every severity with its description, defaulting to the policy default, and reads a submission back', () => {
    const view = declareView(policy, { channel: 'C1', responseUrl: 'https://hooks.slack.com/x' }) as { blocks: { block_id: string; element: Record<string, unknown> }[]; private_metadata: string };
    const sev = view.blocks.find((b) => b.block_id === 'severity')!.element as { options: { value: string }[]; initial_option: { value: string } };
    expect(sev.options.map((o) => o.value)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    expect(sev.initial_option.value).toBe('sev3');
    const form = readDeclareView({
      private_metadata: view.private_metadata,
      state: { values: { title: { value: { value: ' Disk full ' } }, severity: { value: { selected_option: { value: 'sev2' } } }, description: { value: { value: null } } } },
    });
    expect(form).toEqual({ title: 'Disk full', severity: 'sev2', description: undefined, meta: { channel: 'C1', responseUrl: 'https://hooks.slack.com/x' } });
  });
});

describe('log scrubbing', () => {
  it('removes token shapes and the given secrets', () => {
    const scrub = scrubber(['my-signing-secret']);
    expect(scrub('Bearer xoxb-123-456-abc and xapp-1-A-2-b and my-signing-secret')).toBe('Bearer [redacted] and [redacted] and [redacted]');
  });
});

describe('the app manifest', () => {
  it('declares the command, scopes, events, interactivity and the socket mode flag Klaxon relies on', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const m = parse(readFileSync('manifests/slack-app.yaml', 'utf8'));
    expect(m.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/incident']);
    expect(m.features.slash_commands[0].url).toMatch(/\/slack\/events$/);
    expect(m.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['chat:write', 'channels:manage', 'channels:read', 'channels:history', 'groups:history', 'im:write', 'reactions:read', 'pins:read', 'users:read', 'usergroups:write', 'commands']),
    );
    expect(m.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['reaction_added', 'pin_added', 'message.channels']));
    expect(m.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
    expect(m.settings.interactivity).toMatchObject({ is_enabled: true });
    expect(m.settings.socket_mode_enabled).toBe(false);
  });
});
