// The same end-to-end flow over Socket Mode: apps.connections.open on the fake Web API hands out a
// ws://127.0.0.1 URL, envelopes arrive over the WebSocket and Bolt acks each one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/service/incident-view.js';
import { slackKlaxon, type SlackKlaxon, waitFor } from '../fakes/slack/harness.js';
import { reactionAdded } from '../fakes/slack/payloads.js';
import type { FakeMessage } from '../fakes/slack/web-api.js';

type Block = { type: string; elements?: { value: string }[] };
const hasButton = (m: FakeMessage) => (m.blocks as Block[] | undefined)?.some((b) => b.type === 'actions');

let k: SlackKlaxon;
beforeEach(async () => {
  k = await slackKlaxon({ socket: true });
});
afterEach(async () => {
  await k.close();
});

describe('Slack over Socket Mode, end to end', () => {
  it('connects with the app token and runs declare → page → ✅ → resolve', async () => {
    expect(k.fake.ok('apps.connections.open')).toHaveLength(1);
    expect(k.app.connections.get('slack')?.state()).toBe('connected');

    const r = await k.slash('declare sev1 Payments failing', { user: 'U01ALICE' });
    expect(r.ms).toBeLessThan(3000);
    expect((await k.answer(r.responseUrl)).text).toMatch(/Declared #1/);
    await k.tick();

    const channel = k.fake.channelByName('inc-1-payments-failing')!;
    expect(channel.members.has('U01ALICE')).toBe(true);
    const page = k.fake.botMessages('D01CAROL').find(hasButton)!;
    expect(page).toBeDefined();

    await k.event(reactionAdded({ user: 'U01CAROL', reaction: 'white_check_mark', channel: 'D01CAROL', ts: page.ts }));
    await waitFor(() => getIncident(k.db, 1)?.acknowledgedAt, 'the acknowledgement');

    const res = await k.slash('resolve card processor recovered', { user: 'U01ALICE', channel: channel.id });
    expect((await k.answer(res.responseUrl)).text).toMatch(/Resolved #1/);
    await k.tick();
    expect(k.fake.botMessages(channel.id).some((m) => /RESOLVED: SEV1 - Payments failing/.test(m.text))).toBe(true);
  });

  it('a retried envelope for the same event_id changes nothing', async () => {
    const msg = k.fake.addMessage('C0GENERAL', { user: 'U0DANA', text: 'login page is blank' });
    const ev = reactionAdded({ user: 'U0DANA', reaction: 'rotating_light', channel: 'C0GENERAL', ts: msg.ts });
    await k.event(ev, { eventId: 'EvSOCK1' });
    await waitFor(() => getIncident(k.db, 1), 'the declaration');
    await k.tick();
    const before = { rows: k.outbox().length, calls: k.fake.calls.length };
    await k.deliver(ev, { eventId: 'EvSOCK1', retryNum: 1 });
    await k.tick();
    expect(getIncident(k.db, 2)).toBeUndefined();
    // Not even a word to the person who reacted: the retry is recognised as the same event.
    expect({ rows: k.outbox().length, calls: k.fake.calls.length }).toEqual(before);
  });

  it('stops cleanly and reports disconnected', async () => {
    await k.app.connections.get('slack')!.stop();
    expect(k.app.connections.get('slack')!.state()).toBe('disconnected');
  });
});
