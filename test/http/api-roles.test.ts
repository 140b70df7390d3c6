// Issue #16 through the HTTP API: an integration declaring a Sev-2 at 03:00 gets the on-call
// commander in the very response, with nobody typing anything.
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './helpers.js';

const YAML = `
timezone: UTC
people:
  alice: { name: Alice }
  bob: { name: Bob }
schedules:
  primary: { rotation: weekly, handoff: "mon 09:00", start: "2026-01-05", members: [alice, bob] }
escalation_policies:
  default: { tiers: [{ targets: [schedule:primary], ack_timeout: 15m }] }
roles: { commander: [declarer, schedule:primary], scribe: ~ }
groups: { integrations: [api] }
permissions: { declare: [integrations] }
severities:
  - { id: sev1, description: Outage, page: default }
  - { id: sev2, description: Degraded, page: default, required_roles: [commander] }
`;

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('POST /api/v1/incidents and roles', () => {
  it('a Sev-2 declared by an integration at 03:00 comes back with the person on call as commander', async () => {
    t = await startApp({ yaml: YAML, start: '2026-03-04T03:00:00Z' });
    const res = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Error rate above 5%', severity: 'sev2' }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { commander: string | null; roles: Record<string, { id: string; name: string }>; timeline: { text: string }[] };
    expect(body.commander).toBe('alice');
    expect(body.roles).toEqual({ commander: { id: 'alice', name: 'Alice' } });
    expect(body.timeline.map((e) => e.text)).toContain('Alice is commander (on call for primary)');
  });
});
