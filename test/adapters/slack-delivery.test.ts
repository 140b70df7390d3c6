// The outbox through the Slack adapter when Slack misbehaves: outages, rate limits, permanent
// refusals. Time moves on the fake clock (app.tick()), never by sleeping.
import { asc, eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/policy/index.js';
import { outbox } from '../../src/store/schema.js';
import { slackKlaxon, type SlackKlaxon } from '../fakes/slack/harness.js';
import { BOT_USER } from '../fakes/slack/web-api.js';

const SECOND = 1000;
let k: SlackKlaxon;
afterEach(async () => {
  await k?.close();
});

async function command(text: string, user = 'U01ALICE', channel?: string) {
  const r = await k.slash(text, { user, channel });
  return k.answer(r.responseUrl);
}

/** Rows still to deliver: pending, or in flight (a 5xx may have come after Slack posted, so it is looked up first). */
const pending = () => k.db.select().from(outbox).where(inArray(outbox.status, ['pending', 'sending'])).all();

describe('Slack delivery faults', () => {
  it('Slack answering 500 for a while: once it recovers every queued message arrives once, in order per channel', async () => {
    k = await slackKlaxon();
    const heal = k.fake.fail({ method: /^(chat|conversations)\./, status: 500 });
    await command('declare sev1 Database failover');
    await command('update #1 identified replica lag on db-2');
    await command('update #1 monitoring failover complete');
    for (let i = 0; i < 4; i++) {
      k.clock.advance(10 * SECOND);
      await k.tick();
    }
    expect(k.fake.ok('chat.postMessage')).toHaveLength(0);
    expect(k.fake.calls.filter((c) => c.status === 500).length).toBeGreaterThan(4);
    const waiting = pending();
    expect(waiting.length).toBeGreaterThan(5);
    // Each destination's head was tried (and backed off); the rest wait behind it, untried.
    const tried = waiting.filter((r) => r.attempts > 0);
    expect(tried.length).toBeGreaterThan(0);
    expect(tried.every((r) => /HTTP 500/.test(r.lastError ?? ''))).toBe(true);

    heal();
    for (let i = 0; i < 10 && pending().length > 0; i++) {
      k.clock.advance(60 * SECOND);
      await k.tick();
    }
    expect(pending()).toHaveLength(0);

    // One channel, created once despite the failed attempts.
    expect(k.fake.ok('conversations.create')).toHaveLength(1);
    const sent = k.db.select().from(outbox).where(eq(outbox.kind, 'post')).orderBy(asc(outbox.id)).all();
    expect(sent.every((r) => r.status === 'sent')).toBe(true);
    const byChannel = new Map<string, string[]>();
    for (const r of sent) byChannel.set(r.refChannel!, [...(byChannel.get(r.refChannel!) ?? []), r.refId!]);
    for (const [channel, ids] of byChannel) {
      // Everything the outbox sent is there exactly once, in outbox order (Slack ts order is arrival order).
      expect(k.fake.botMessages(channel).map((m) => m.ts)).toEqual(ids);
      expect([...ids].sort()).toEqual(ids);
    }
    const incidentChannel = k.fake.channelByName('inc-1-database-failover')!;
    const texts = k.fake.botMessages(incidentChannel.id).map((m) => m.text);
    const order = [/INCIDENT: SEV1/, /replica lag on db-2/, /failover complete/].map((re) => texts.findIndex((t) => re.test(t)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('429 with Retry-After: the platform waits exactly that long, then delivers', async () => {
    k = await slackKlaxon();
    k.fake.fail({ method: 'chat.postMessage', status: 429, retryAfter: 7, times: 1 });
    await command('declare sev2 Search degraded');
    await k.tick();
    const limited = k.fake.calls.filter((c) => c.status === 429);
    expect(limited).toHaveLength(1);
    const postsAfter429 = () => k.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.at >= limited[0].at).length;
    expect(postsAfter429()).toBe(1);
    expect(k.db.select().from(outbox).where(eq(outbox.lastError, 'slack chat.postMessage: rate limited, retry after 7s')).all()).toHaveLength(1);
    // A global limit holds the whole platform (one circuit), not the row on its own clock.
    expect(k.app.dispatcher.laneStates().slack.retryAt!.getTime() - k.clock.now().getTime()).toBe(7 * SECOND);

    k.clock.advance(7 * SECOND - 1);
    await k.tick();
    expect(postsAfter429()).toBe(1);
    k.clock.advance(1);
    await k.tick();
    expect(postsAfter429()).toBeGreaterThan(1);
    expect(pending()).toHaveLength(0);
  });

  it('a permanent error (channel_not_found) is recorded on the row, logged, shown in health, and not retried', async () => {
    k = await slackKlaxon();
    k.fake.fail({ method: 'chat.postMessage', when: (a) => a.channel === 'C01ANNOUNCE', error: 'channel_not_found' });
    await command('declare sev1 CDN outage');
    await k.tick();
    const row = k.db.select().from(outbox).where(eq(outbox.destination, 'channel:C01ANNOUNCE')).get()!;
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toMatch(/channel_not_found/);
    expect(k.app.connections.get('slack')!.state()).toMatch(/1 permanent delivery failure.*channel_not_found/);
    expect(k.logLines.join('')).toMatch(/delivery failed permanently/);

    for (let i = 0; i < 5; i++) {
      k.clock.advance(5 * 60 * SECOND);
      await k.tick();
    }
    const announcements = k.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C01ANNOUNCE');
    expect(announcements.filter((c) => /SEV1 declared: #1 CDN outage/.test(String(c.args.text)))).toHaveLength(1);
    expect(k.db.select().from(outbox).where(eq(outbox.id, row.id)).get()).toMatchObject({ status: 'failed', attempts: 1 });
    // The incident channel itself was unaffected.
    expect(k.fake.botMessages(k.fake.channelByName('inc-1-cdn-outage')!.id).length).toBeGreaterThan(0);
  });

  it('a taken channel name gets a suffix', async () => {
    k = await slackKlaxon();
    k.fake.addChannel('C0TAKEN', 'inc-1-api-is-down');
    await command('declare sev3 API is down');
    await k.tick();
    expect(k.fake.channelByName('inc-1-api-is-down-2')).toBeDefined();
    expect(k.fake.calls.filter((c) => c.method === 'conversations.create').map((c) => c.error ?? 'ok')).toEqual(['name_taken', 'ok']);
  });

  it('reuses the channel when an earlier create succeeded but its answer was lost', async () => {
    k = await slackKlaxon();
    // Slack made the channel for #1 (the bot is its creator), but Klaxon never heard back.
    const lost = k.fake.addChannel('C0LOST', 'inc-1-api-is-down');
    lost.creator = BOT_USER;
    await command('declare sev3 API is down');
    await k.tick();
    expect(k.fake.channelByName('inc-1-api-is-down-2')).toBeUndefined();
    expect(k.fake.botMessages('C0LOST')[0].text).toMatch(/INCIDENT: SEV3 - API is down/);
  });

  it("keeps a schedule's Slack user group pointing at whoever is on call (override hand-off)", async () => {
    const policy = loadPolicy('examples/policies/default.yaml');
    policy.schedules.primary.slack_usergroup = 'S0PRIMARY';
    k = await slackKlaxon({ policy });
    expect((await command('override primary <@U01BOB|bob> 2h')).text).not.toMatch(/usage/i);
    await k.tick();
    expect(k.fake.usergroups.get('S0PRIMARY')).toEqual(['U01BOB']);
    k.clock.advance(2 * 3600 * SECOND);
    await k.tick();
    expect(k.fake.usergroups.get('S0PRIMARY')).toEqual(['U01CAROL']);
  });
});
