// The small pure pieces of the Discord adapter: rendering, emoji names, error mapping, thread names.
import { DiscordAPIError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { threadName } from '../../src/chat/discord/adapter.js';
import { emojiName } from '../../src/chat/discord/emoji.js';
import { toDeliveryError } from '../../src/chat/discord/errors.js';
import { memberRoles } from '../../src/chat/discord/members.js';
import { chunks, pageIdFromCustomId, renderMessage } from '../../src/chat/discord/render.js';

const apiError = (status: number, code: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'https://x/api/v10/channels/1/messages', { body: undefined, files: undefined });

describe('renderMessage', () => {
  it('puts the text in content, the Acknowledge action in a button, and lets only users be pinged', () => {
    const p = renderMessage({ text: 'paged <@1>', actions: [{ id: 'ack', label: 'Acknowledge', value: '7' }] });
    expect(p).toEqual({
      content: 'paged <@1>',
      allowed_mentions: { parse: ['users'] },
      embeds: [],
      components: [{ type: 1, components: [{ type: 2, style: 3, label: 'Acknowledge', custom_id: 'klaxon:ack:7' }] }],
    });
    expect(pageIdFromCustomId('klaxon:ack:7')).toBe(7);
    expect(pageIdFromCustomId('klaxon:ack:x')).toBeNull();
    expect(pageIdFromCustomId('other')).toBeNull();
  });

  it('answers the message a support reply is for, and moves long text into an embed', () => {
    expect(renderMessage({ text: 'hi', replyTo: '99' } as never)).toMatchObject({ message_reference: { message_id: '99', fail_if_not_exists: false } });
    const long = renderMessage({ text: `Postmortem\n${'line\n'.repeat(600)}`, tone: 'good' });
    expect(long.content).toBe('Postmortem');
    expect((long.embeds as { description: string }[])[0].description.length).toBeLessThanOrEqual(4096);
  });

  it('splits interaction answers at line breaks under 2000 characters', () => {
    const parts = chunks(Array.from({ length: 100 }, (_, i) => `row ${i} ${'x'.repeat(40)}`).join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 2000 && !p.startsWith('\n'))).toBe(true);
    expect(parts.join('\n').split('\n')).toHaveLength(100);
    expect(chunks('')).toEqual(['']);
  });
});

describe('emojiName', () => {
  it('maps unicode reactions to the policy’s short names', () => {
    expect(emojiName({ id: null, name: '✅' })).toBe('white_check_mark');
    expect(emojiName({ id: null, name: '👀' })).toBe('eyes');
    expect(emojiName({ id: null, name: '📌' })).toBe('pushpin');
    expect(emojiName({ id: null, name: '🚨' })).toBe('rotating_light');
    expect(emojiName({ id: null, name: '✔\uFE0F' })).toBe('heavy_check_mark');
    expect(emojiName({ id: '123', name: 'ack' })).toBe('ack');
  });
});

describe('toDeliveryError', () => {
  it('makes 4xx permanent and names the well-known codes', () => {
    for (const [status, code, name] of [[403, 50001, 'Missing Access'], [404, 10003, 'Unknown Channel'], [403, 50013, 'Missing Permissions'], [403, 50007, 'Cannot send messages to this user']] as const) {
      const e = toDeliveryError(apiError(status, code, 'x'), 'post');
      expect(e.opts.permanent).toBe(true);
      expect(e.message).toBe(`post: ${status} ${code} ${name}`);
    }
  });

  it('keeps 5xx and network errors transient and carries a long rate limit’s wait', () => {
    expect(toDeliveryError(apiError(500, 0, 'Internal'), 'post').opts.permanent).toBe(false);
    expect(toDeliveryError(new Error('ECONNRESET'), 'post').opts).toEqual({});
    const rl = new RateLimitError({
      timeToReset: 0, limit: 5, method: 'POST', hash: 'h', url: 'u', route: '/channels/:id/messages', majorParameter: '1',
      global: true, retryAfter: 30_000, sublimitTimeout: 0, scope: 'global',
    });
    expect(toDeliveryError(rl, 'post')).toMatchObject({ message: 'post: rate limited (global) for 30s', opts: { retryAfterMs: 30_000, global: true } });
  });
});

describe('threads and members', () => {
  it('names a thread with the slug, severity and status, within 100 characters', () => {
    expect(threadName('inc-3-api-down', 'Sev 1 · monitoring · commander Maya')).toBe('inc-3-api-down · Sev 1 · monitoring');
    expect(threadName(`inc-3-${'x'.repeat(120)}`, 'Sev 1 · investigating').length).toBe(100);
  });

  it('turns member roles into policy group entries', () => {
    expect(memberRoles({ roles: ['1', '2'] })).toEqual(['discord-role:1', 'discord-role:2']);
    expect(memberRoles(null)).toEqual([]);
  });
});
