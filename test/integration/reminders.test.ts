// `reminders:` — scheduled posts that are not incidents, on a cron in the policy's time zone.
import { describe, expect, it } from 'vitest';
import { bootstrapTimers } from '../../src/scheduler/tick.js';
import { harness, HOUR } from '../helpers/harness.js';

const YAML = `
timezone: Europe/London
people: { ana: { name: Ana }, erin: { name: Erin } }
groups: { admins: [erin] }
channels: { slack: { ops: C01OPS } }
reminders:
  - { cron: "0 9 * * 1", channel: ops, text: "Retention purge: delete support transcripts older than 90 days" }
severities: [{ id: sev1, description: Outage }]
`;

const posted = async (h: ReturnType<typeof harness>) =>
  (await h.posts((r) => r.destination === 'channel:ops')).map((r) => `${r.createdAt.toISOString().slice(0, 16)} ${(r.body as { text: string }).text}`);

describe('reminders', () => {
  it('posts each Monday 09:00 London time (BST from 29 March), and no incident is opened', async () => {
    const h = harness({ yaml: YAML, start: '2026-03-20T12:00:00Z' }); // Friday
    await bootstrapTimers(h.svc);
    await h.advance(17 * 24 * HOUR);
    expect(await posted(h)).toEqual([
      '2026-03-23T09:00 🔔 Retention purge: delete support transcripts older than 90 days',
      '2026-03-30T08:00 🔔 Retention purge: delete support transcripts older than 90 days',
      '2026-04-06T08:00 🔔 Retention purge: delete support transcripts older than 90 days',
    ]);
    expect((await h.run('ana', 'list')).text).not.toMatch(/#1/);
  });

  it('after downtime it posts once, not once per missed week; a restart does not arm a second one', async () => {
    const h = harness({ yaml: YAML, start: '2026-03-20T12:00:00Z' });
    await bootstrapTimers(h.svc);
    await bootstrapTimers(h.svc);
    h.clock.set('2026-04-08T12:00:00Z'); // Klaxon was down over two Mondays
    await h.advance(0);
    expect(await posted(h)).toHaveLength(1);
    await h.advance(7 * 24 * HOUR);
    expect(await posted(h)).toHaveLength(2);
  });

  it('safe mode holds it back (it posts outside incident channels)', async () => {
    const h = harness({ yaml: YAML, start: '2026-03-20T12:00:00Z' });
    await bootstrapTimers(h.svc);
    await h.run('erin', 'safe-mode on');
    await h.advance(4 * 24 * HOUR);
    expect(await posted(h)).toEqual([]);
  });

  it('check-policy refuses a bad cron and an unknown channel', () => {
    expect(() => harness({ yaml: YAML.replace('"0 9 * * 1"', '"every monday"') })).toThrow(/reminders\[0\]\.cron: "every monday" is not a cron expression/);
    expect(() => harness({ yaml: YAML.replace('channel: ops', 'channel: opz') })).toThrow(/reminders\[0\]\.channel: unknown channel "opz"/);
  });
});
