// `auto_escalate`: an incident still unmitigated `after` declaring pages another policy once.
// It runs whatever Klaxon's automation switch says: a missed mitigation must never vanish.
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { pageNotifications } from '../../src/store/tables.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';

const YAML = `
timezone: UTC
people: { ana: { name: Ana }, lee: { name: Lee } }
groups: { admins: [ana] }
escalation_policies:
  l1: { tiers: [{ targets: [person:ana], ack_timeout: 30m }] }
  l2: { tiers: [{ targets: [person:lee], ack_timeout: 30m }] }
severities:
  - { id: P1, description: High, page: l1, auto_escalate: { after: 2h, page: l2 } }
`;

type H = ReturnType<typeof harness>;
const notified = async (h: H) => (await h.db.select().from(pageNotifications).orderBy(asc(pageNotifications.id))).map((n) => `${n.person}@${n.notifiedAt.toISOString().slice(11, 16)}`);

describe('auto_escalate', () => {
  it('pages L2 at 2h even with automation off', async () => {
    const h = harness({ yaml: YAML, start: '2026-03-04T10:00:00Z' });
    expect((await h.run('ana', 'automation off')).ok).toBe(true);
    await h.run('ana', 'declare P1 Payments failing');
    await h.run('ana', 'ack');
    await h.advance(2 * HOUR - 1);
    expect(await notified(h)).toEqual(['ana@10:00']);
    await h.advance(1);
    expect(await notified(h)).toEqual(['ana@10:00', 'lee@12:00']);
  });

  it('does nothing once the incident was mitigated in time', async () => {
    const h = harness({ yaml: YAML, start: '2026-03-04T10:00:00Z' });
    await h.run('ana', 'declare P1 Payments failing');
    await h.run('ana', 'ack');
    await h.advance(90 * MINUTE);
    await h.run('ana', 'mitigate Switched to the backup provider');
    await h.advance(4 * HOUR);
    expect(await notified(h)).toEqual(['ana@10:00']);
  });
});
