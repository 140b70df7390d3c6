// Slack over HTTP, end to end: signed requests into the real Bolt app on Klaxon's own listener,
// Web API calls out to the fake Slack, state checked in the database.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/service/incident-view.js';
import { pages, timelineEvents } from '../../src/store/schema.js';
import { BOT_TOKEN, SECRET, APP_TOKEN, slackKlaxon, type SlackKlaxon, waitFor } from '../fakes/slack/harness.js';
import { blockAction, pinAdded, reactionAdded, viewSubmission } from '../fakes/slack/payloads.js';
import type { FakeMessage } from '../fakes/slack/web-api.js';

type Block = { type: string; elements?: { action_id: string; value: string }[] };
const buttonOf = (m: FakeMessage) => (m.blocks as Block[] | undefined)?.find((b) => b.type === 'actions')?.elements?.[0];

let k: SlackKlaxon;
beforeEach(async () => {
  k = await slackKlaxon();
});
afterEach(async () => {
  await k.close();
});

/** Declares #1 as Alice and delivers everything it queued. */
async function declared(text = 'declare sev1 API is down') {
  const r = await k.slash(text, { user: 'U01ALICE' });
  await k.answer(r.responseUrl);
  await k.tick();
  return r;
}

describe('Slack over HTTP, end to end', () => {
  it('declare → channel, invite, paged DM with a button → ✅ on the DM acknowledges → resolve posts the resolution', async () => {
    const r = await k.slash('declare sev1 API is down', { user: 'U01ALICE' });
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    const reply = await k.answer(r.responseUrl);
    expect(reply).toMatchObject({ response_type: 'ephemeral' });
    expect(reply.text).toMatch(/Declared #1/);
    await k.tick();

    const channel = k.fake.channelByName('inc-1-api-is-down')!;
    expect(channel).toBeDefined();
    expect(channel.members.has('U01ALICE')).toBe(true);
    expect(channel.topic).toBe('SEV1 · investigating · commander Alice Archer');
    expect(k.fake.botMessages(channel.id)[0].text).toMatch(/INCIDENT: SEV1 - API is down/);
    // The announcement links to the new channel by ID.
    expect(k.fake.botMessages('C01ANNOUNCE')[0].text).toContain(`<#${channel.id}>`);

    // Carol is primary on call this week: paged by DM with an Acknowledge button, and invited.
    const dm = k.fake.botMessages('D01CAROL');
    const page = dm.find((m) => buttonOf(m));
    expect(page).toBeDefined();
    const pageId = Number(buttonOf(page!)!.value);
    expect(k.app.service.pageStatus(pageId)?.status).toBe('open');
    expect(channel.members.has('U01CAROL')).toBe(true);

    const e = await k.event(reactionAdded({ user: 'U01CAROL', reaction: 'white_check_mark', channel: 'D01CAROL', ts: page!.ts }));
    expect(e.status).toBe(200);
    await waitFor(() => getIncident(k.db, 1)?.acknowledgedAt, 'the incident to be acknowledged');
    expect(k.app.service.pageStatus(pageId)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'carol' });
    await k.tick();
    // The DM copy lost its button.
    expect(buttonOf(k.fake.botMessages('D01CAROL').find((m) => m.ts === page!.ts)!)).toBeUndefined();

    const res = await k.slash('resolve rolled back the bad deploy', { user: 'U01ALICE', channel: channel.id });
    expect((await k.answer(res.responseUrl)).text).toMatch(/Resolved #1/);
    await k.tick();
    expect(k.fake.botMessages(channel.id).some((m) => /RESOLVED: SEV1 - API is down/.test(m.text) && /rolled back the bad deploy/.test(m.text))).toBe(true);
    expect(getIncident(k.db, 1)?.status).toBe('resolved');
  });

  it('answers errors and help to the caller alone', async () => {
    const r = await k.slash('severity #9 sev9', { user: 'U01ALICE' });
    const reply = await k.answer(r.responseUrl);
    expect(reply.response_type).toBe('ephemeral');
    expect(String(reply.text)).toMatch(/Unknown severity|no incident/i);
    const h = await k.slash('', { user: 'U01ALICE' });
    expect(String((await k.answer(h.responseUrl)).text)).toMatch(/declare/);
    expect(k.fake.ok('chat.postMessage')).toHaveLength(0);
  });

  it('`/incident declare` alone opens a modal with the policy severities; submitting it declares', async () => {
    const r = await k.slash('declare', { user: 'U0DANA' });
    expect(r.status).toBe(200);
    const view = await waitFor(() => k.fake.views[0], 'views.open');
    const select = (view.blocks as { block_id: string; element: { options?: { value: string; description?: { text: string } }[] } }[]).find((b) => b.block_id === 'severity')!;
    expect(select.element.options!.map((o) => o.value)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    expect(select.element.options![0].description!.text).toMatch(/Widespread outage/);

    const empty = await k.interact(viewSubmission({ user: 'U0DANA', view, values: { title: { value: { type: 'plain_text_input', value: '  ' } } } }));
    expect(JSON.parse(empty.body)).toMatchObject({ response_action: 'errors' });

    const ok = await k.interact(
      viewSubmission({
        user: 'U0DANA',
        view,
        values: {
          title: { value: { type: 'plain_text_input', value: 'Search is slow' } },
          severity: { value: { type: 'static_select', selected_option: { value: 'sev2' } } },
          description: { value: { type: 'plain_text_input', value: 'p99 at 4s' } },
        },
      }),
    );
    expect(ok.status).toBe(200);
    const inc = getIncident(k.db, 1)!;
    expect(inc).toMatchObject({ title: 'Search is slow', severity: 'sev2', description: 'p99 at 4s', declaredBy: 'slack:U0DANA' });
    // The confirmation goes back to the channel the command came from, to Dana alone.
    expect(String((await k.answer(r.responseUrl)).text)).toMatch(/Declared #1/);
  });

  it('the Acknowledge button acknowledges its page', async () => {
    await declared();
    const page = k.fake.botMessages('D01CAROL').find((m) => buttonOf(m))!;
    const url = k.responseUrl();
    const r = await k.interact(blockAction({ user: 'U01CAROL', channel: 'D01CAROL', messageTs: page.ts, actionId: 'klaxon_ack', value: buttonOf(page)!.value, responseUrl: url }));
    expect(r.status).toBe(200);
    expect(String((await k.answer(url)).text)).toMatch(/Acknowledged the page for #1/);
    expect(getIncident(k.db, 1)?.acknowledgedAt).toBeTruthy();
  });

  it('📌 on a message and pinning it in Slack both put the message and its author on the timeline', async () => {
    await declared();
    const channel = k.fake.channelByName('inc-1-api-is-down')!;
    const msg = k.fake.addMessage(channel.id, { user: 'U0DANA', text: 'error rate back to 0.1% after the rollback' });
    await k.event(reactionAdded({ user: 'U01ALICE', reaction: 'pushpin', channel: channel.id, ts: msg.ts }));
    const pinned = () => k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'pinned')).all();
    await waitFor(() => pinned().length === 1, 'the pushpin on the timeline');
    expect(pinned()[0].text).toMatch(/Dana.*error rate back to 0\.1% after the rollback/);
    expect(pinned()[0].text).toContain(`https://fake.slack.com/archives/${channel.id}/p`);
    expect(k.fake.ok('conversations.history').length).toBeGreaterThan(0);
    // users.info named Dana; the answer is cached.
    expect(k.fake.ok('users.info').filter((c) => c.args.user === 'U0DANA')).toHaveLength(1);

    const reply = k.fake.addMessage(channel.id, { user: 'U01BOB', text: 'cause: a config push', thread_ts: msg.ts });
    await k.event(pinAdded({ user: 'U01ALICE', channel: channel.id, message: { ts: reply.ts, text: reply.text, user: 'U01BOB' } }));
    await waitFor(() => pinned().length === 2, 'the pin on the timeline');
    expect(pinned()[1].text).toMatch(/Bob Baker: cause: a config push/);
    expect(k.fake.ok('conversations.replies').length).toBeGreaterThan(0);
    expect(k.fake.ok('users.info').filter((c) => c.args.user === 'U0DANA')).toHaveLength(1);

    // Outside an incident channel a pushpin means nothing.
    const other = k.fake.addMessage('C0GENERAL', { user: 'U0DANA', text: 'lunch?' });
    await k.deliver(reactionAdded({ user: 'U01ALICE', reaction: 'pushpin', channel: 'C0GENERAL', ts: other.ts }));
    expect(pinned()).toHaveLength(2);
  });

  it('🚨 on any message declares an incident titled from it, linking back; a redelivery changes nothing', async () => {
    const msg = k.fake.addMessage('C0GENERAL', { user: 'U0DANA', text: 'checkout returns 502 for <https://shop.example.com|the shop>\nmore detail' });
    const event = reactionAdded({ user: 'U0DANA', reaction: 'rotating_light', channel: 'C0GENERAL', ts: msg.ts });
    const first = await k.event(event, { eventId: 'EvDECLARE1' });
    expect(first.status).toBe(200);
    await waitFor(() => getIncident(k.db, 1), 'the declaration');
    expect(getIncident(k.db, 1)).toMatchObject({
      title: 'checkout returns 502 for the shop',
      severity: 'sev3',
      declaredBy: 'slack:U0DANA',
      sourceLink: `https://fake.slack.com/archives/C0GENERAL/p${msg.ts.replace('.', '')}`,
    });
    await k.tick();
    const rows = k.outbox().length;
    const calls = k.fake.calls.length;

    const again = await k.deliver(event, { eventId: 'EvDECLARE1', retryNum: 1 });
    expect(again.status).toBe(200);
    await k.tick();
    expect(getIncident(k.db, 2)).toBeUndefined();
    expect(k.outbox()).toHaveLength(rows);
    expect(k.fake.calls.length).toBe(calls);
  });

  it('🚨 does not declare inside an incident channel or on Klaxon\'s own messages; one message pins once', async () => {
    await declared();
    const channel = k.fake.channelByName('inc-1-api-is-down')!;
    const msg = k.fake.addMessage(channel.id, { user: 'U0DANA', text: 'error rate is at 40% now' });
    await k.deliver(reactionAdded({ user: 'U0DANA', reaction: 'rotating_light', channel: channel.id, ts: msg.ts }));
    const announcement = k.fake.botMessages('C01ANNOUNCE')[0];
    await k.deliver(reactionAdded({ user: 'U0DANA', reaction: 'rotating_light', channel: 'C01ANNOUNCE', ts: announcement.ts }));
    expect(getIncident(k.db, 2)).toBeUndefined();

    // A 📌 from two people and a Slack pin of the same message: on the timeline once.
    const pinned = () => k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'pinned')).all();
    await Promise.all([
      k.deliver(reactionAdded({ user: 'U01ALICE', reaction: 'pushpin', channel: channel.id, ts: msg.ts })),
      k.deliver(reactionAdded({ user: 'U01BOB', reaction: 'pushpin', channel: channel.id, ts: msg.ts })),
      k.deliver(pinAdded({ user: 'U01ALICE', channel: channel.id, message: { ts: msg.ts, text: msg.text, user: 'U0DANA' } })),
    ]);
    expect(pinned()).toHaveLength(1);
  });

  it('Slack-escaped command text is stored as typed, and a typed @channel pings nobody', async () => {
    await declared('declare sev2 R&amp;D portal &lt;down&gt; &lt;!channel&gt;');
    expect(getIncident(k.db, 1)!.title).toBe('R&D portal <down> <!channel>');
    const text = k.fake.botMessages('C01ANNOUNCE')[0].text;
    expect(text).toContain('R&amp;D portal &lt;down&gt; &lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('a redelivered acknowledge reaction is processed once', async () => {
    await declared();
    const page = k.fake.botMessages('D01CAROL').find((m) => buttonOf(m))!;
    const ev = reactionAdded({ user: 'U01CAROL', reaction: 'eyes', channel: 'D01CAROL', ts: page.ts });
    await k.event(ev, { eventId: 'EvACK1' });
    await waitFor(() => getIncident(k.db, 1)?.acknowledgedAt, 'ack');
    await k.tick();
    const acks = () => k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'ack')).all().length;
    const before = { rows: k.outbox().length, acks: acks(), ephemerals: k.fake.ok('chat.postEphemeral').length };
    const r = await k.deliver(ev, { eventId: 'EvACK1', retryNum: 1 });
    expect(r.status).toBe(200);
    await k.tick();
    expect({ rows: k.outbox().length, acks: acks(), ephemerals: k.fake.ok('chat.postEphemeral').length }).toEqual(before);
    expect(k.db.select().from(pages).all()[0].status).toBe('acknowledged');
  });

  it('never writes the tokens or the signing secret to the log, even at debug level', async () => {
    await declared();
    const handled = k.handled({ what: '/incident' });
    const r = await k.slash('status', { user: 'U01ALICE' });
    await k.answer(r.responseUrl);
    await waitFor(() => k.handled({ what: '/incident' }) > handled, 'Klaxon to finish with the command');
    await k.tick();
    const log = k.logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [BOT_TOKEN, APP_TOKEN, SECRET]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/xox[bp]-\d/);
  });

  it('/healthz-style state reports the connection', async () => {
    expect(k.app.connections.get('slack')?.state()).toBe('connected');
  });
});

describe('command buttons on Slack', () => {
  type Buttons = { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[];
  const buttons = (m: FakeMessage) => ((m.blocks as Buttons | undefined) ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

  it('a Tick button on the declaration ticks its item as the presser; a forged value runs nothing', async () => {
    await declared();
    const channel = k.fake.channelByName('inc-1-api-is-down')!;
    const message = k.fake.botMessages(channel.id)[0];
    const tick = buttons(message).find((b) => b.value === 'check #1 1')!;
    expect(tick).toMatchObject({ action_id: 'klaxon_cmd_0', text: { text: 'Tick 1' } });
    const url = k.responseUrl();
    const r = await k.interact(blockAction({ user: 'U01BOB', channel: channel.id, messageTs: message.ts, actionId: tick.action_id, value: tick.value, responseUrl: url }));
    expect(r.status).toBe(200);
    expect(String((await k.answer(url)).text)).toBe('Ticked 1. Name a commander');
    expect(k.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'check')).all().map((e) => e.actor)).toEqual(['bob']);

    const forgedUrl = k.responseUrl();
    await k.interact(blockAction({ user: 'U01BOB', channel: channel.id, messageTs: message.ts, actionId: 'klaxon_cmd_1', value: 'resolve #1 gone', responseUrl: forgedUrl }));
    expect(String((await k.answer(forgedUrl)).text)).toMatch(/does not run anything Klaxon knows/);
    expect(getIncident(k.db, 1)!.status).toBe('investigating');
  });
});
