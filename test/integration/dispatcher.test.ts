import { describe, expect, it } from 'vitest';
import { DeliveryError, type Platform } from '../../src/service/port.js';
import { createLogger } from '../../src/log.js';
import { Dispatcher } from '../../src/scheduler/dispatcher.js';
import { outbox } from '../../src/store/tables.js';
import { harness } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';

function setup() {
  const h = harness({ platforms: ['slack'] });
  const slack = new RecordingAdapter('slack');
  const d = new Dispatcher(h.db, h.policy, new Map<Platform, RecordingAdapter>([['slack', slack]]), h.clock, createLogger('silent'));
  return { h, slack, d };
}

describe('outbox dispatcher', () => {
  it('delivers queued messages, opening the incident channel on first use and storing message refs', async () => {
    const { h, slack, d } = setup();
    await h.run('alice', 'declare sev1 Checkout down');
    await d.dispatch();
    // The page DM to carol (primary on call) goes first.
    expect(slack.calls[0]).toMatchObject({ op: 'post', channel: 'D-U01CAROL' });
    expect(slack.calls.filter((c) => c.op === 'open')).toHaveLength(1);
    const rows = (await h.db.select().from(outbox));
    expect(rows.every((r) => r.status === 'sent' || r.status === 'skipped')).toBe(true);
    expect(rows.filter((r) => r.kind === 'post').every((r) => r.refId && r.refChannel)).toBe(true);
  });

  it('pages go first while the platform is rate limited, and Retry-After is honoured', async () => {
    const { h, slack, d } = setup();
    await h.run('alice', 'declare sev1 Checkout down');
    let limited = true;
    slack.failWith = () => (limited ? new DeliveryError('ratelimited', { retryAfterMs: 30_000, global: true }) : null);
    await d.dispatch();
    expect(slack.calls).toEqual([]);
    h.clock.advance(29_000);
    limited = false;
    await d.dispatch();
    expect(slack.calls).toEqual([]); // still inside Retry-After
    h.clock.advance(1_000);
    await d.dispatch();
    // The page DM and the page mention (priority 0) come before the announcement and the topic.
    const firstPosts = slack.calls.filter((c) => c.op === 'post').map((c) => c.text);
    expect(firstPosts[0]).toMatch(/you are paged/);
    const announcement = firstPosts.findIndex((t) => t.includes('declared: #1'));
    const lastPage = Math.max(...firstPosts.map((t, i) => (t.includes('you are paged') ? i : -1)));
    expect(lastPage).toBeLessThan(announcement);
  });

  it('a rate limit on one route holds only that message: pages still go out', async () => {
    const { h, slack, d } = setup();
    await h.run('alice', 'declare sev3 Slow search');
    await d.dispatch();
    // A topic change hits a 10-minute per-route limit (Discord's thread renames do).
    slack.failWith = (c) => (c.op === 'topic' ? new DeliveryError('rate limited for 600s', { retryAfterMs: 600_000 }) : null);
    await h.run('alice', 'severity sev1');
    await d.dispatch();
    const pageDm = slack.calls.find((c) => c.op === 'post' && c.text.includes('you are paged'));
    expect(pageDm).toBeDefined();
    const topic = (await h.db.select().from(outbox)).find((r) => r.kind === 'topic' && r.status === 'pending');
    expect(topic?.nextAttemptAt.getTime()).toBe(h.clock.now().getTime() + 600_000);
  });

  it('transient failures back off and retry; every message arrives once, in order per channel', async () => {
    const { h, slack, d } = setup();
    await h.run('alice', 'declare sev2 Search is slow');
    for (let i = 1; i <= 5; i++) await h.run('alice', `update #1 step ${i}`);
    let failures = 0;
    slack.failWith = (c) => (c.op === 'post' && failures++ < 4 ? new DeliveryError('HTTP 500') : null);
    for (let i = 0; i < 12; i++) {
      await d.dispatch();
      h.clock.advance(60_000);
    }
    const updates = slack.calls.filter((c) => c.op === 'post' && c.text.includes('Progress: step')).map((c) => c.text.match(/step (\d)/)![1]);
    expect(updates).toEqual(['1', '2', '3', '4', '5']);
    expect((await h.db.select().from(outbox)).filter((r) => r.status === 'pending')).toEqual([]);
  });

  it('a message backing off goes in the same drain once it is due, in its turn among the rest', async () => {
    const { h, slack, d } = setup();
    const now = h.clock.now();
    const insert = (destination: string, text: string, attempts: number, nextAttemptAt: Date) =>
      h.db.insert(outbox).values({ platform: 'slack', kind: 'post', destination, body: { text }, priority: 1, status: 'pending', attempts, nextAttemptAt, createdAt: now });
    // #1 failed once and waits 1 s; #2–#4 are due now. Each post takes the platform a second.
    await insert('channel:C-retry', 'retried', 1, new Date(now.getTime() + 1000));
    for (const n of [2, 3, 4]) await insert(`channel:C-${n}`, `fresh ${n}`, 0, now);
    slack.latency = async () => {
      h.clock.advance(1000);
    };
    await d.dispatch();
    expect(slack.calls.map((x) => x.text)).toEqual(['fresh 2', 'retried', 'fresh 3', 'fresh 4']);
  });

  it('a page queued while a backlog drains goes out next, not after the backlog', async () => {
    const { h, slack, d } = setup();
    await h.run('alice', 'declare sev3 Slow search');
    for (let i = 1; i <= 40; i++) await h.run('alice', `update #1 step ${i}`);
    let paged = false;
    slack.failWith = async () => {
      if (!paged && slack.calls.length === 10) {
        paged = true;
        await h.run('alice', 'page #1 @erin');
      }
      return null;
    };
    await d.dispatch();
    const at = slack.calls.findIndex((c) => c.channel === 'D-U01ERIN');
    expect(at).toBeGreaterThanOrEqual(10);
    expect(at).toBeLessThanOrEqual(12);
    expect(slack.calls.filter((c) => c.text.includes('Progress: step'))).toHaveLength(40);
  });

  it('permanent errors are recorded and not retried', async () => {
    const { h, slack, d } = setup();
    await h.run('alice', 'declare sev2 Search is slow');
    slack.failWith = (c) => (c.channel === 'C01ANNOUNCE' ? new DeliveryError('channel_not_found', { permanent: true }) : null);
    await d.dispatch();
    h.clock.advance(3600_000);
    await d.dispatch();
    const failed = (await h.db.select().from(outbox)).filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ destination: 'channel:C01ANNOUNCE', lastError: 'channel_not_found', attempts: 1 });
  });

  it('edits wait for the original and then rewrite it', async () => {
    const { h, slack, d } = setup();
    await h.run('alice', 'declare sev1 Checkout down');
    await h.run('carol', 'ack');
    await d.dispatch();
    const edits = slack.calls.filter((c) => c.op === 'edit');
    expect(edits.length).toBe(2);
    const posted = new Set(slack.calls.filter((c) => c.op === 'post').map((c) => c.id));
    expect(edits.every((e) => posted.has(e.id))).toBe(true);
    expect(edits[0].text).toMatch(/Acknowledged by Carol Chen/);
  });
});
