// The inbound rules every platform shares (service/inbound.ts): reactions, pins and support
// messages as the adapters map them, with no chat platform involved.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { onPin, onReaction, supportMessage, type InboundMessage, type ReactionEvent, type SupportEvent } from '../../src/service/inbound.js';
import { incidents, incidentSpaces, timelineEvents } from '../../src/store/tables.js';
import { harness } from '../helpers/harness.js';

const SUPPORT_YAML = `
severities: [{ id: sev1, description: Outage }, { id: sev3, description: Minor }]
support: { slack: { channels: [C0SUPPORT], security_keywords: [breach], security_severity: sev1 } }
`;

type Over = Partial<ReactionEvent> & { text?: string; from?: InboundMessage['from'] };

function setup(yaml?: string) {
  const h = harness({ platforms: ['slack'], ...(yaml ? { yaml } : {}) });
  let n = 0;
  const reaction = (over: Over = {}): ReactionEvent => ({
    platform: 'slack',
    deliveryId: `Ev${++n}`,
    emoji: 'rotating_light',
    channel: 'C0GENERAL',
    messageId: '1700000000.000100',
    actor: async () => ({ ...h.as('alice'), platform: 'slack' }),
    message: async () => ({ text: over.text ?? 'checkout returns 502', author: 'Dana', from: over.from ?? 'person' }),
    link: async () => 'https://fake.slack.com/archives/C0GENERAL/p1700000000000100',
    ...over,
  });
  const all = async () => (await h.db.select().from(incidents));
  return { h, svc: h.svc, reaction, all };
}

describe('🚨 declares from a message', () => {
  it('titles the incident from its first non-empty line, cut at 120 characters, and links back', async () => {
    const { svc, reaction, all } = setup();
    const reply = await onReaction(svc, reaction({ text: `\n   \n${'word '.repeat(40)}\nsecond line` }));
    expect(reply).toMatchObject({ ok: true, text: 'Declared #1 from this message.' });
    const [inc] = await all();
    expect(inc.title).toHaveLength(120);
    expect(inc.title).toMatch(/^word word .*…$/);
    expect(inc.sourceLink).toBe('https://fake.slack.com/archives/C0GENERAL/p1700000000000100');
    expect(inc.description).toBe('Raised by Alice Archer with a reaction on a message by Dana: https://fake.slack.com/archives/C0GENERAL/p1700000000000100');
  });

  it('declares from another bot’s message (an alert), never from Klaxon’s own', async () => {
    const { svc, reaction, all } = setup();
    expect(await onReaction(svc, reaction({ from: 'klaxon' }))).toBeNull();
    expect(await all()).toHaveLength(0);
    expect(await onReaction(svc, reaction({ from: 'bot', text: 'ALERT: checkout 5xx > 5%' }))).toMatchObject({ ok: true });
    expect((await all()).map((i) => i.title)).toEqual(['ALERT: checkout 5xx > 5%']);
  });

  it('a message the platform will not show still declares, with a title saying where it came from', async () => {
    const { svc, reaction, all } = setup();
    await onReaction(svc, reaction({ message: async () => undefined }));
    expect((await all()).map((i) => i.title)).toEqual(['Declared from a Slack message']);
  });

  it('a failed read records nothing, so the redelivery declares; after that a redelivery reads nothing', async () => {
    const { svc, reaction, all } = setup();
    const ev = reaction();
    await expect(onReaction(svc, { ...ev, message: async () => Promise.reject(new Error('ratelimited')) })).rejects.toThrow('ratelimited');
    expect(await all()).toHaveLength(0);
    expect(await onReaction(svc, ev)).toMatchObject({ ok: true });
    let reads = 0;
    expect(await onReaction(svc, { ...ev, message: async () => (reads++, undefined) })).toBeNull();
    expect(reads).toBe(0);
    expect(await all()).toHaveLength(1);
  });

  it('two people reacting at once declare once; a later 🚨 is told it was already declared', async () => {
    const { svc, reaction, all } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = reaction({ message: async () => (await gate, { text: 'api down', author: 'Dana', from: 'person' as const }) });
    const first = onReaction(svc, slow);
    expect(await onReaction(svc, reaction())).toBeNull();
    release();
    expect(await first).toMatchObject({ ok: true });
    expect(await all()).toHaveLength(1);
    expect(await onReaction(svc, reaction())).toMatchObject({ ok: false, error: 'conflict', text: expect.stringMatching(/already declared as #1/) });
  });

  it('does nothing inside an incident’s own channel', async () => {
    const { h, svc, reaction, all } = setup();
    await h.run('bob', 'declare sev1 API down');
    await h.db.insert(incidentSpaces).values({ incidentId: 1, platform: 'slack', channelId: 'C0INC1', name: 'inc-1-api-down' });
    expect(await onReaction(svc, reaction({ channel: 'C0INC1' }))).toBeNull();
    expect(await all()).toHaveLength(1);
  });
});

describe('📌 and pins', () => {
  it('put a message on its incident’s timeline once, only inside the incident’s channel', async () => {
    const { h, svc, reaction } = setup();
    await h.run('bob', 'declare sev1 API down');
    await h.db.insert(incidentSpaces).values({ incidentId: 1, platform: 'slack', channelId: 'C0INC1', name: 'inc-1-api-down' });
    const pinned = async () => (await h.db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'pinned')));
    expect(await onReaction(svc, reaction({ emoji: 'pushpin', channel: 'C0GENERAL' }))).toBeNull();
    expect(await pinned()).toHaveLength(0);
    await onReaction(svc, reaction({ emoji: 'pushpin', channel: 'C0INC1', text: '' }));
    await onPin(svc, reaction({ channel: 'C0INC1' }));
    expect((await pinned()).map((e) => e.text)).toEqual(['Alice Archer pinned a message by Dana: (no text) (https://fake.slack.com/archives/C0GENERAL/p1700000000000100)']);
  });
});

describe('support messages', () => {
  const event = (over: Partial<SupportEvent> = {}): SupportEvent => ({
    platform: 'slack', channel: 'C0SUPPORT', messageId: `${Math.random()}`, user: 'U0DANA', from: 'person', text: 'is it down?',
    userName: async () => 'Dana', link: async () => 'https://fake.slack.com/archives/C0SUPPORT/p1', ...over,
  });

  it('answers only a person: bots, Klaxon and the platform’s notices get nothing', async () => {
    const { svc } = setup(SUPPORT_YAML);
    for (const from of ['bot', 'klaxon', 'system'] as const) expect(await supportMessage(svc, event({ from, user: `U${from}` })), from).toBeNull();
    expect(await supportMessage(svc, event())).toMatchObject({ kind: 'in_hours' });
  });

  it('a thread inside a support channel counts under it; other channels are ignored', async () => {
    const { svc } = setup(SUPPORT_YAML);
    expect(await supportMessage(svc, event({ channel: 'C0ELSEWHERE' }))).toBeNull();
    expect(await supportMessage(svc, event({ channel: 'T0THREAD', parent: 'C0SUPPORT' }))).toMatchObject({ kind: 'in_hours' });
  });

  it('asks for the link only for a security report, and the incident links to it', async () => {
    const { svc, all } = setup(SUPPORT_YAML);
    let asked = 0;
    const link = async () => (asked++, 'https://fake.slack.com/archives/C0SUPPORT/p9');
    await supportMessage(svc, event({ link }));
    expect(asked).toBe(0);
    expect(await supportMessage(svc, event({ user: 'U0ELI', text: 'possible data breach', link }))).toMatchObject({ kind: 'escalated' });
    expect(asked).toBe(1);
    expect((await all())[0].sourceLink).toBe('https://fake.slack.com/archives/C0SUPPORT/p9');
  });
});
