// Gateway catch-up: when Discord starts a new session instead of resuming (close 1000 or 4009,
// op 9), events sent meanwhile are never delivered. Klaxon reads them back over REST — ✅ on open
// pages, 📌 in open incident threads, support messages after the last one seen — and acts on each
// once. And a gateway that never says HELLO holds nothing up.
import { afterEach, describe, expect, it } from 'vitest';
import { getIncident } from '../../src/service/incident-view.js';
import { timelineEvents } from '../../src/store/schema.js';
import { answerText } from '../fakes/discord/index.js';
import { COMMUNITY, discordKlaxon, type DiscordKlaxon } from '../fakes/discord/harness.js';
import { FakeDiscord } from '../fakes/discord/index.js';

const INCIDENTS = '500000000000000002';
const SUPPORT = '500000000000000004';
const STR = 3;

let k: DiscordKlaxon;
afterEach(async () => {
  await k?.close();
});

const maya = () => k.policy.people.maya.discord!;

async function declare(title: string) {
  const i = k.fake.command(maya(), INCIDENTS, 'declare', [{ name: 'title', type: STR, value: title }, { name: 'severity', type: STR, value: 'sev1' }]);
  await k.fake.waitFor(() => answerText(i), 3000, 'the declaration');
  await k.tick();
  const copy = k.outbox().find((r) => r.pageId && r.destination.startsWith('dm:') && r.status === 'sent')!;
  return { user: copy.destination.slice(3), dm: copy.refChannel!, message: copy.refId! };
}

/** Identifies (op 2) seen so far: a new one means a new session. */
const identifies = () => k.fake.gateway.count(2);

const endings: [string, () => void][] = [
  ['close 4009 (session timed out)', () => k.fake.gateway.endSession(4009)],
  ['close 1000', () => k.fake.gateway.endSession(1000)],
  ['op 9 (invalid session)', () => k.fake.gateway.invalidate()],
];

describe('a new session after events were lost', () => {
  for (const [how, end] of endings) {
    it(`${how}: a ✅ sent meanwhile acknowledges the page once`, async () => {
      k = await discordKlaxon();
      const page = await declare('Avatars broken');
      const before = identifies();
      end();
      k.fake.react(page.dm, page.message, page.user, '✅');
      expect(k.fake.gateway.lost.map((e) => e.t)).toContain('MESSAGE_REACTION_ADD');
      await k.fake.waitFor(() => identifies() > before, 5000, 'a new session');
      await k.fake.waitFor(() => getIncident(k.db, 1)?.acknowledgedAt, 5000, 'the acknowledgement from catch-up');
      expect(k.pages()[0].status).toBe('acknowledged');
    });
  }

  it('a 📌 in an open incident thread and a support message sent meanwhile are acted on once, even after a second new session', async () => {
    k = await discordKlaxon();
    await declare('Uploads fail');
    const [thread] = k.fake.threads();
    const note = k.fake.say(thread.id, COMMUNITY.dana, 'root cause: full disk on upload-2');
    await k.processed('message', note.id);
    const before = identifies();
    k.fake.gateway.endSession(4009);
    k.fake.react(thread.id, note.id, maya(), '📌');
    k.fake.say(SUPPORT, COMMUNITY.eli, 'how do I reset my password?');
    await k.fake.waitFor(() => identifies() > before, 5000, 'a new session');
    const pinned = () => k.db.select().from(timelineEvents).all().filter((e) => e.kind === 'pinned');
    await k.fake.waitFor(() => pinned().length === 1, 5000, 'the pin from catch-up');
    await k.fake.waitFor(() => k.outbox().some((r) => r.destination === `channel:${SUPPORT}`), 5000, 'the support reply from catch-up');

    // Another new session: catch-up runs again and changes nothing.
    const again = identifies();
    k.fake.gateway.endSession(4009);
    await k.fake.waitFor(() => identifies() > again, 5000, 'a second new session');
    await k.fake.waitFor(() => k.logLines.filter((l) => /caught up after a new gateway session/.test(l)).length >= 2, 5000, 'the second catch-up');
    expect(pinned()).toHaveLength(1);
    expect(k.outbox().filter((r) => r.destination === `channel:${SUPPORT}`)).toHaveLength(1);
  });
});

describe('a resumed session (1006: the connection died without a close frame)', () => {
  it('resumes, Discord replays the ✅ sent meanwhile, and it acknowledges once without a catch-up', async () => {
    k = await discordKlaxon();
    const page = await declare('Emails delayed');
    const [identified, resumed] = [identifies(), k.fake.gateway.count(6)];
    k.fake.gateway.kill();
    k.fake.react(page.dm, page.message, page.user, '✅');
    await k.fake.waitFor(() => k.fake.gateway.count(6) > resumed, 5000, 'the resume');
    await k.fake.waitFor(() => getIncident(k.db, 1)?.acknowledgedAt, 5000, 'the replayed acknowledgement');
    expect(identifies()).toBe(identified);
    expect(k.fake.gateway.lost).toEqual([]);
  });
});

describe('a token reset while running', () => {
  it('the gateway refuses the next IDENTIFY (4004): Discord is failed with the reason and not retried', async () => {
    k = await discordKlaxon();
    k.fake.gateway.resetToken();
    k.fake.gateway.endSession(4009);
    await k.fake.waitFor(() => k.health()?.startsWith('failed'), 5000, 'Discord to be failed');
    expect(k.health()).toMatch(/^failed \(DISCORD_TOKEN refused by the gateway \(4004/);
    expect(k.logLines.some((l) => /Discord refused Klaxon/.test(l))).toBe(true);
    // Failed stays failed: a later close does not turn it into "reconnecting".
    expect(k.app.connections.get('discord')!.health!().state).toBe('failed');
  });
});

describe('start-up', () => {
  for (const [how, mute] of [
    ['never says HELLO', (f: FakeDiscord) => (f.gateway.silent = true)],
    ['says HELLO but never READY', (f: FakeDiscord) => (f.gateway.noReady = true)],
  ] as const) {
    it(`a gateway that ${how}: start-up returns, Discord is down, the outbox still delivers over REST`, async () => {
      const fake = await FakeDiscord.start({
        guild: { id: '500000000000000001' },
        channels: [
          { id: INCIDENTS, name: 'incidents' },
          { id: '500000000000000003', name: 'announcements' },
          { id: SUPPORT, name: 'support' },
        ],
        members: [{ id: '100000000000000010', username: 'maya' }],
      });
      mute(fake);
      k = await discordKlaxon({ fake, discord: { startWaitMs: 100 } });
      expect(k.health()).toMatch(/^down \(no READY from the Discord gateway yet/);
      k.app.service.run({ id: 'maya', name: 'Maya', platform: 'discord' }, '/incident declare sev4 Typo on the docs home page');
      await k.tick();
      expect(fake.botMessages('500000000000000003').some((m) => /Typo on the docs home page/.test(m.content))).toBe(true);
      await fake.close();
    });
  }
});
