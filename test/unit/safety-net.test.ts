// The process safety net: an error a platform SDK lets escape (from its own timers and sockets)
// marks that platform and Klaxon keeps running; an unowned uncaught exception still exits.
// The errors are real ones, produced by the SDKs themselves (a Web API call to a closed port, a login without a token).
import { webApi } from '@slack/bolt';
import { Client } from 'discord.js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { handleEscaped, installSafetyNet, platformOf } from '../../src/chat/safety-net.js';
import type { Connection, Platform } from '../../src/service/port.js';

const CLOSED = 'http://127.0.0.1:9/';

function conn() {
  const faults: string[] = [];
  const c: Connection = { start: async () => undefined, stop: async () => undefined, state: () => 'connected', fault: (r) => faults.push(r) };
  return { c, faults };
}

async function slackError(): Promise<unknown> {
  const client = new webApi.WebClient('xoxb-x', { slackApiUrl: CLOSED, retryConfig: { retries: 0 } });
  return client.auth.test().catch((e: unknown) => e);
}

async function discordError(): Promise<unknown> {
  const client = new Client({ intents: [] });
  return client.login('').catch((e: unknown) => e);
}

describe('safety net', () => {
  it('an escaped Slack SDK error marks Slack, a Discord one marks Discord, and neither exits', async () => {
    const slack = conn();
    const discord = conn();
    const exits: number[] = [];
    const d = { connections: new Map<Platform, Connection>([['slack', slack.c], ['discord', discord.c]]), log: pino({ level: 'silent' }), exit: (n: number) => exits.push(n) };
    const s = await slackError();
    const g = await discordError();
    expect(platformOf(s)).toBe('slack');
    expect(platformOf(g)).toBe('discord');
    expect(handleEscaped(d, s, 'unhandledRejection')).toBe('marked');
    expect(handleEscaped(d, g, 'uncaughtException')).toBe('marked');
    expect(slack.faults).toHaveLength(1);
    expect(discord.faults).toHaveLength(1);
    expect(exits).toEqual([]);
  });

  it('an unowned rejection is logged; an unowned uncaught exception exits for the supervisor to restart', () => {
    const exits: number[] = [];
    const d = { connections: new Map<Platform, Connection>(), log: pino({ level: 'silent' }), exit: (n: number) => exits.push(n) };
    expect(handleEscaped(d, new Error('a bug in the service'), 'unhandledRejection')).toBe('logged');
    expect(exits).toEqual([]);
    expect(handleEscaped(d, new Error('a bug in the service'), 'uncaughtException')).toBe('exit');
    expect(exits).toEqual([1]);
  });

  it('installs process handlers and removes them again', () => {
    const before = process.listenerCount('unhandledRejection');
    const remove = installSafetyNet({ connections: new Map(), log: pino({ level: 'silent' }) });
    expect(process.listenerCount('unhandledRejection')).toBe(before + 1);
    expect(process.listenerCount('uncaughtException')).toBeGreaterThan(0);
    remove();
    expect(process.listenerCount('unhandledRejection')).toBe(before);
  });
});
