// The outbox under faults: a DB that refuses the "sent" record after the platform accepted, a crash
// between the two, and a long platform outage. Every page arrives once; pages go first on recovery.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { Dispatcher } from '../../src/scheduler/dispatcher.js';
import type { Platform } from '../../src/service/port.js';
import { closeDb } from '../../src/store/db.js';
import { outbox } from '../../src/store/schema.js';
import { harness } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { slackKlaxon, type SlackKlaxon } from '../fakes/slack/harness.js';
import { holdWriteLock, type HeldLock } from './helpers/lock.js';

const SECOND = 1000;
let k: SlackKlaxon | undefined;
let dir: string | undefined;
let lock: HeldLock | undefined;
let closeH: (() => void) | undefined;
afterEach(async () => {
  lock?.release();
  closeH?.();
  await k?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  k = dir = lock = closeH = undefined;
});

describe('outbox under faults', () => {
  it('a DB error after the platform accepted a page never sends it again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-outbox-'));
    const path = join(dir, 'k.db');
    const h = harness({ platforms: ['slack'], dbPath: path });
    closeH = () => closeDb(h.db);
    const slack = new RecordingAdapter('slack');
    const d = new Dispatcher(h.db, h.policy, new Map<Platform, RecordingAdapter>([['slack', slack]]), h.clock, createLogger('silent'));
    await h.run('alice', 'declare sev1 Checkout down');
    // While the first page DM is with Slack, another process takes the write lock (a full disk
    // or a backup would do the same): Slack accepts, and recording "sent" fails.
    slack.latency = async () => {
      if (slack.calls.length === 0 && !lock) lock = holdWriteLock(path);
    };
    await d.dispatch();
    expect(slack.calls.map((c) => c.channel)).toEqual(['D-U01CAROL']);
    lock!.release();
    for (let i = 0; i < 5; i++) {
      h.clock.advance(SECOND);
      await d.dispatch();
    }
    const dms = slack.calls.filter((c) => c.channel === 'D-U01CAROL');
    console.log(`[faults] DB refused the record after Slack accepted: page DM sent ${dms.length} time(s)`);
    expect(dms).toHaveLength(1);
    const row = (await h.db.select().from(outbox).where(eq(outbox.destination, 'dm:U01CAROL')))[0]!;
    expect(row).toMatchObject({ status: 'sent', refId: dms[0].id });
    expect((await h.db.select().from(outbox)).filter((r) => r.status !== 'sent' && r.status !== 'skipped')).toEqual([]);
  });

  it('after a crash, a page found in flight is looked up in Slack (metadata) and not posted twice', async () => {
    k = await slackKlaxon();
    const r = await k.slash('declare sev1 Database failover', { user: 'U01ALICE' });
    await k.answer(r.responseUrl);
    await k.tick();
    const dmRow = async () => (await k!.db.select().from(outbox).where(eq(outbox.destination, 'dm:U01CAROL')))[0]!;
    const delivered = await dmRow();
    expect(delivered.status).toBe('sent');
    // The process died after Slack accepted the DM and before the row said so.
    await k.db.update(outbox).set({ status: 'sending', refId: null, refChannel: null }).where(eq(outbox.id, delivered.id));
    // And a second page DM was marked in flight but never reached Slack.
    await k.app.service.run({ platform: 'slack', person: 'person:alice', platformId: 'U01ALICE', name: 'Alice' } as never, 'page #1 @erin');
    const erinRow = (await k.db.select().from(outbox).where(eq(outbox.destination, 'dm:U01ERIN')))[0];
    if (erinRow && erinRow.status === 'pending') await k.db.update(outbox).set({ status: 'sending' }).where(eq(outbox.id, erinRow.id));
    const restarted = new Dispatcher(k.db, k.policy, k.app.adapters, k.clock, createLogger('silent'));
    await restarted.dispatch();
    await k.tick();
    const carolPosts = k.fake.botMessages('D01CAROL');
    console.log(`[faults] crash between Slack's answer and the record: carol's page DM posted ${carolPosts.length} time(s)`);
    expect(carolPosts).toHaveLength(1);
    expect(await dmRow()).toMatchObject({ status: 'sent', refChannel: 'D01CAROL', refId: carolPosts[0].ts });
    expect(carolPosts[0].metadata).toEqual({ event_type: 'klaxon_outbox', event_payload: { key: `klaxon-${delivered.id}` } });
    expect(k.fake.ok('conversations.history').length).toBeGreaterThan(0);
  });

  it('a 90 s Slack outage: nothing lost, and on recovery every page goes before anything else', async () => {
    k = await slackKlaxon();
    const heal = k.fake.fail({ method: /^(chat|conversations)\./, status: 500 });
    // Twenty sev1s declared while Slack answers 500; the scheduler keeps ticking every 5 s.
    for (let i = 1; i <= 20; i++) {
      const r = await k.slash(`declare sev1 Outage ${i}`, { user: 'U01ALICE' });
      await k.answer(r.responseUrl);
      if (i % 4 === 0) {
        k.clock.advance(5 * SECOND);
        await k.tick();
      }
    }
    for (let t = 0; t < 90; t += 5) {
      k.clock.advance(5 * SECOND);
      await k.tick();
    }
    expect(k.fake.ok('chat.postMessage')).toHaveLength(0);
    const queued = (await k.db.select().from(outbox).orderBy(asc(outbox.id)));
    heal();
    const recoveredAt = k.fake.calls.length;
    // One circuit for the platform: the next attempt after its backoff drains everything.
    for (let i = 0; i < 40 && (await k.db.select().from(outbox)).some((r) => r.status === 'pending' || r.status === 'sending'); i++) {
      k.clock.advance(5 * SECOND);
      await k.tick();
    }
    const after = k.fake.calls.slice(recoveredAt).filter((c) => c.method === 'chat.postMessage' && c.status === 200 && !c.error);
    // Page DMs first; then the incident channels (where a page's mention waits behind the channel's
    // earlier posts, to keep each channel in order); then announcements and the rest.
    const isPage = (c: (typeof after)[number]) => String(c.args.channel).startsWith('U') && /you are paged/.test(String(c.args.text));
    const lastPage = Math.max(...after.map((c, i) => (isPage(c) ? i : -1)));
    const firstOther = after.findIndex((c) => !isPage(c));
    const isAnnouncement = (c: (typeof after)[number]) => c.args.channel === 'C01ANNOUNCE' || (String(c.args.channel).startsWith('U') && !isPage(c));
    const lastIncidentChannel = Math.max(...after.map((c, i) => (!isPage(c) && !isAnnouncement(c) ? i : -1)));
    const firstAnnouncement = after.findIndex(isAnnouncement);
    const rows = (await k.db.select().from(outbox));
    const lost = rows.filter((r) => r.status !== 'sent' && r.status !== 'skipped').length;
    const keys = after.map((c) => JSON.stringify((c.args.metadata as { event_payload?: unknown })?.event_payload));
    const duplicated = keys.length - new Set(keys).size;
    console.log(`[faults] 90 s Slack outage: ${queued.length} rows queued, ${after.length} posts after recovery, ${lost} lost, ${duplicated} duplicated, page DMs ${after.filter(isPage).length}, all before the first other post: ${lastPage < firstOther}, incident channels before announcements: ${lastIncidentChannel < firstAnnouncement}`);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(after.filter(isPage).length).toBeGreaterThanOrEqual(20);
    expect(lastPage).toBeLessThan(firstOther);
    expect(firstAnnouncement).toBeGreaterThan(0);
    expect(lastIncidentChannel).toBeLessThan(firstAnnouncement);
  });
});
