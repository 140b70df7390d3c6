// Socket Mode under what real Slack and real networks do: routine `disconnect` messages, resets,
// a close frame with the TCP connection kept open, the app token refused on a reconnect, 500/429 on
// apps.connections.open, and a second process on the same app token. Each test measures the deaf
// window (how long an envelope waited for a connection to take it) and counts lost and duplicated
// envelopes (every probe must be acked exactly once).
import { afterEach, describe, expect, it } from 'vitest';
import { slackKlaxon, type SlackKlaxon, waitFor } from '../fakes/slack/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';

let k: SlackKlaxon;
afterEach(async () => {
  await k?.close();
});

const state = () => k.app.connections.get('slack')!.state();
let probeSeq = 0;
/** An ordinary channel message: Bolt acks it and nothing else happens. */
const probe = () => k.event({ type: 'message', channel: 'C0GENERAL', user: 'U0DANA', text: `probe ${++probeSeq}`, ts: `1700000000.${String(++probeSeq).padStart(6, '0')}` });

/** Sends `n` probes `everyMs` apart starting now; resolves when every one was acked. */
async function probes(n: number, everyMs: number): Promise<void> {
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    all.push(probe());
    await new Promise((r) => setTimeout(r, everyMs));
  }
  await Promise.all(all);
}

function expectEachAckedOnce() {
  const counts = [...k.socket!.acks.values()];
  expect(counts.length).toBeGreaterThan(0);
  expect(counts.filter((c) => c !== 1)).toEqual([]);
}

describe('Socket Mode refresh and drops', () => {
  for (const reason of ['refresh_requested', 'warning'] as const) {
    it(`${reason}: the next connection opens before the old one closes; no envelope waits, none lost or doubled`, async () => {
      k = await slackKlaxon({ socket: true });
      const before = k.socket!.connections;
      k.socket!.askToReconnect(reason, 300);
      await probes(20, 25);
      await k.socket!.connectedAfter(before);
      await waitFor(() => k.socket!.openCount === 1, 'the old connection to close');
      // The deaf window: no envelope waited for a connection at all (well under a second).
      expect(Math.max(...k.socket!.waits)).toBeLessThan(1000);
      expect(k.socket!.connections).toBe(before + 1);
      expectEachAckedOnce();
      expect(state()).toBe('connected');
    });
  }

  it('a TCP reset: health says reconnecting at once, the next connection opens without the SDK’s 5 s wait', async () => {
    k = await slackKlaxon({ socket: true });
    // Hold the reconnect on two failed opens so the state in between can be seen.
    k.fake.fail({ method: 'apps.connections.open', status: 500, times: 2 });
    const before = k.socket!.connections;
    k.socket!.reset();
    await waitFor(() => /^(reconnecting|down)/.test(state()), 'health to leave connected');
    const sent = probe();
    await k.socket!.connectedAfter(before);
    await sent;
    expect(state()).toBe('connected');
    // Two failed attempts with the harness's 50 ms and 100 ms backoff: far below a second.
    expect(Math.max(...k.socket!.waits)).toBeLessThan(1000);
    expectEachAckedOnce();
  });

  it('health says reconnecting from the moment the socket closes until the next one is up', async () => {
    k = await slackKlaxon({ socket: true });
    k.fake.fail({ method: 'apps.connections.open', delayMs: 300, times: 1 });
    const before = k.socket!.connections;
    k.socket!.reset();
    await waitFor(() => state() !== 'connected', 'health to change');
    expect(state()).toBe('reconnecting');
    await k.socket!.connectedAfter(before);
    await waitFor(() => state() === 'connected', 'health to be connected again');
  });

  it('a close frame with the TCP connection kept open is noticed without waiting for ping timeouts', async () => {
    k = await slackKlaxon({ socket: true });
    const before = k.socket!.connections;
    k.socket!.closeKeepingTcp();
    await probes(10, 30);
    await k.socket!.connectedAfter(before);
    expect(Math.max(...k.socket!.waits)).toBeLessThan(1000);
    expectEachAckedOnce();
    expect(state()).toBe('connected');
  });

  it('a 429 with Retry-After on apps.connections.open is waited out, then it connects', async () => {
    k = await slackKlaxon({ socket: true });
    k.fake.fail({ method: 'apps.connections.open', status: 429, retryAfter: 1, times: 1 });
    const before = k.socket!.connections;
    k.socket!.reset();
    await k.socket!.connectedAfter(before);
    const tries = k.fake.calls.filter((c) => c.method === 'apps.connections.open');
    // The retry came no sooner than Slack asked.
    expect(tries.at(-1)!.at - tries.at(-2)!.at).toBeGreaterThanOrEqual(950);
    await probe();
    expectEachAckedOnce();
  });
});

describe('a firewall refusing the WebSocket host', () => {
  it('Slack is down with the reason and retried with backoff; it connects once the host answers', async () => {
    k = await slackKlaxon({ socket: true });
    const working = k.fake.socketUrl!;
    k.fake.socketUrl = () => 'ws://127.0.0.1:9/link/';
    const before = k.socket!.connections;
    k.socket!.reset();
    await waitFor(() => state().startsWith('down'), 'Slack to be down');
    expect(state()).toMatch(/^down \(WebSocket to 127\.0\.0\.1:9: /);
    const failed = () => k.fake.calls.filter((c) => c.method === 'apps.connections.open').length;
    const tries = failed();
    await waitFor(() => failed() > tries, 'another attempt');
    k.fake.socketUrl = working;
    await k.socket!.connectedAfter(before);
    await waitFor(() => state() === 'connected', 'Slack to be connected');
  });
});

describe('Socket Mode token refused on a reconnect', () => {
  it('marks Slack failed, tells the other platform once, and Klaxon keeps running', async () => {
    k = await slackKlaxon({ socket: true });
    const discord = new RecordingAdapter('discord');
    k.app.addAdapter(discord, { start: async () => undefined, stop: async () => undefined, state: () => 'connected' });
    k.fake.fail({ method: 'apps.connections.open', error: 'invalid_auth' });
    k.socket!.reset();
    await waitFor(() => state().startsWith('failed'), 'Slack to be marked failed');
    expect(state()).toBe('failed (SLACK_APP_TOKEN refused by Slack (invalid_auth))');
    // No more attempts after the refusal.
    const opens = k.fake.calls.filter((c) => c.method === 'apps.connections.open').length;
    // The scheduler and the other platform still work.
    await k.app.service.run({ id: 'alice', name: 'Alice', platform: 'discord' }, 'declare sev2 Checkout slow');
    await k.tick();
    const notes = discord.calls.filter((c) => /lost Slack/.test(c.text));
    expect(notes).toHaveLength(1);
    expect(notes[0].channel).toBe('200000000000000003');
    expect(discord.calls.some((c) => /Checkout slow/.test(c.text))).toBe(true);
    expect(k.fake.calls.filter((c) => c.method === 'apps.connections.open').length).toBe(opens);
  });

  it('a bot token revoked at runtime marks Slack failed with the reason', async () => {
    k = await slackKlaxon({ socket: true });
    k.fake.fail({ method: 'chat.postMessage', error: 'token_revoked' });
    await k.app.service.run({ id: 'alice', name: 'Alice', platform: 'slack' }, 'declare sev3 Search slow');
    await k.tick();
    expect(state()).toMatch(/^failed \(SLACK_BOT_TOKEN refused by Slack \(token_revoked\)\)/);
  });
});

describe('two processes on one app token', () => {
  it('hello counting more connections than Klaxon’s own warns in the log and in health', async () => {
    k = await slackKlaxon({ socket: true });
    expect(state()).toBe('connected');
    k.socket!.strangers = 1;
    const before = k.socket!.connections;
    k.socket!.reset();
    await k.socket!.connectedAfter(before);
    await waitFor(() => /another Klaxon/.test(state()), 'the replica warning');
    expect(state()).toMatch(/^connected; warning: 1 other Socket Mode connection\(s\) use this SLACK_APP_TOKEN/);
    expect(k.logLines.some((l) => /another process is connected with this SLACK_APP_TOKEN/.test(l) && /"level":50/.test(l))).toBe(true);
  });
});
