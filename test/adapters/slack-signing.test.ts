// Request signing: Slack's published example as a test vector, and forged or stale requests refused
// with 401 before anything happens.
import { verifySlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outsideWindow } from '../../src/chat/slack/receiver.js';
import { getIncident } from '../../src/service/incident-view.js';
import { SECRET, slackKlaxon, type SlackKlaxon } from '../fakes/slack/harness.js';
import { eventCallback, form, reactionAdded, slashCommand } from '../fakes/slack/payloads.js';
import { JSON_TYPE, postSigned, slackSignature } from '../fakes/slack/signing.js';

// https://api.slack.com/authentication/verifying-requests-from-slack — the worked example.
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('signing', () => {
  it("reproduces Slack's published example, and Bolt accepts it at that moment", () => {
    expect(slackSignature(VECTOR.secret, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    const headers = { 'x-slack-signature': VECTOR.signature, 'x-slack-request-timestamp': VECTOR.timestamp };
    expect(() => verifySlackRequest({ signingSecret: VECTOR.secret, body: VECTOR.body, headers, nowMilliseconds: VECTOR.timestamp * 1000 + 1000 })).not.toThrow();
    expect(() => verifySlackRequest({ signingSecret: VECTOR.secret, body: `${VECTOR.body}x`, headers, nowMilliseconds: VECTOR.timestamp * 1000 })).toThrow(/signature/);
  });

  it('the replay window is five minutes either way', () => {
    const now = 1_800_000_000_000;
    expect(outsideWindow(String(now / 1000 - 299), now)).toBe(false);
    expect(outsideWindow(String(now / 1000 - 301), now)).toBe(true);
    expect(outsideWindow(String(now / 1000 + 301), now)).toBe(true);
  });
});

describe('forged and stale requests over HTTP', () => {
  let k: SlackKlaxon;
  beforeAll(async () => {
    k = await slackKlaxon();
  });
  afterAll(async () => {
    await k.close();
  });

  const declareBody = () => form(slashCommand('declare sev1 forged outage', { user: 'U01ALICE', responseUrl: k.responseUrl() }));
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['a forged signature', (body: string) => ({ secret: SECRET, signature: slackSignature('not-the-secret', now(), body) })],
    ['a signature over a different body', (body: string) => ({ secret: SECRET, signature: slackSignature(SECRET, now(), `${body}&text=x`) })],
    ['a stale timestamp (6 minutes old)', () => ({ secret: SECRET, timestamp: now() - 360 })],
    ['a timestamp 6 minutes in the future', () => ({ secret: SECRET, timestamp: now() + 360 })],
    ['an unknown signature version', (body: string) => ({ secret: SECRET, signature: slackSignature(SECRET, now(), body).replace('v0=', 'v1=') })],
  ])('%s gets 401 and changes nothing', async (_name, opts) => {
    const calls = k.fake.calls.length;
    const body = declareBody();
    const r = await postSigned(k.eventsUrl, body, opts(body));
    expect(r.status).toBe(401);
    const ev = JSON.stringify(eventCallback(reactionAdded({ user: 'U01ALICE', reaction: 'rotating_light', channel: 'C0GENERAL', ts: '1.000001' })));
    const e = await postSigned(k.eventsUrl, ev, { ...opts(ev), contentType: JSON_TYPE });
    expect(e.status).toBe(401);
    await new Promise((res) => setTimeout(res, 30));
    await k.tick();
    expect(await getIncident(k.db, 1)).toBeUndefined();
    expect(await k.outbox()).toHaveLength(0);
    expect(k.fake.responded).toHaveLength(0);
    expect(k.fake.calls.length).toBe(calls);
  });

  it('no signature headers at all: 401', async () => {
    const r = await fetch(k.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: declareBody() });
    expect(r.status).toBe(401);
    expect(await getIncident(k.db, 1)).toBeUndefined();
  });

  it('a correctly signed request is accepted (control)', async () => {
    const r = await postSigned(k.eventsUrl, declareBody(), { secret: SECRET });
    expect(r.status).toBe(200);
  });
});

describe('a validly signed slash command replayed inside the window', () => {
  let k: SlackKlaxon;
  beforeAll(async () => {
    k = await slackKlaxon();
  });
  afterAll(async () => {
    await k.close();
  });

  it('runs once: the replay (same trigger_id) is answered and declares nothing', async () => {
    // Over HTTP the answer rides in the 200 itself.
    const text = (r: { body: string }) => String((JSON.parse(r.body) as { text?: string }).text);
    const fields = slashCommand('declare sev2 Replayed outage', { user: 'U01ALICE', responseUrl: k.responseUrl() });
    const first = await postSigned(k.eventsUrl, form(fields), { secret: SECRET });
    expect(first.status).toBe(200);
    expect(text(first)).toMatch(/Declared #1/);
    // The same request again, re-signed now, as a replay inside five minutes would be.
    const again = await postSigned(k.eventsUrl, form(fields), { secret: SECRET });
    expect(again.status).toBe(200);
    expect(text(again)).toMatch(/already received and run once/);
    expect(await getIncident(k.db, 2)).toBeUndefined();
    // A new invocation (a new trigger_id) with the same text is a new command.
    const fresh = await postSigned(k.eventsUrl, form(slashCommand('declare sev2 Replayed outage', { user: 'U01ALICE', responseUrl: k.responseUrl() })), { secret: SECRET });
    expect(text(fresh)).toMatch(/Declared #2/);
  });

  it('a replayed read is answered again: reading twice changes nothing', async () => {
    const text = (r: { body: string }) => String((JSON.parse(r.body) as { text?: string }).text);
    const fields = slashCommand('status #1', { user: 'U01ALICE', responseUrl: k.responseUrl() });
    const first = await postSigned(k.eventsUrl, form(fields), { secret: SECRET });
    const again = await postSigned(k.eventsUrl, form(fields), { secret: SECRET });
    expect(text(first)).toMatch(/Replayed outage/);
    expect(text(again)).toBe(text(first));
  });

  it('a refused command claims nothing: sent again it is refused again, not called a replay', async () => {
    const text = (r: { body: string }) => String((JSON.parse(r.body) as { text?: string }).text);
    const fields = slashCommand('severity #99 sev1', { user: 'U01ALICE', responseUrl: k.responseUrl() });
    const first = await postSigned(k.eventsUrl, form(fields), { secret: SECRET });
    const again = await postSigned(k.eventsUrl, form(fields), { secret: SECRET });
    expect(text(first)).toMatch(/#99/);
    expect(text(again)).toBe(text(first));
  });
});
