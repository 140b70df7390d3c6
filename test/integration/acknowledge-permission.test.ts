// Acknowledging stops an escalation, so it is not for whoever happens to see the button: the
// person the page notified may, and so may the policy's `acknowledge` groups (default: responders).
import { describe, expect, it } from 'vitest';
import { actorFor } from '../../src/service/actor.js';
import { pages } from '../../src/store/tables.js';
import { harness } from '../helpers/harness.js';

const policy = (permissions = '') => `
people:
  alice: { name: Alice, slack: U01ALICE }
  bob: { name: Bob, slack: U01BOB }
  carol: { name: Carol, slack: U01CAROL }
schedules:
  primary: { rotation: weekly, start: 2026-01-05, members: [carol] }
escalation_policies:
  default: { tiers: [{ targets: [schedule:primary], ack_timeout: 15m }] }
groups: { responders: [alice] }
${permissions}
severities: [{ id: sev1, description: Outage, page: default }]
`;

async function paged(permissions = '') {
  const h = harness({ yaml: policy(permissions), platforms: ['slack'] });
  expect((await h.run('alice', 'declare sev1 Checkout down')).ok).toBe(true);
  const page = (await h.db.select().from(pages))[0]!;
  return { h, page, status: async () => (await h.db.select().from(pages))[0]!.status };
}

describe('the acknowledge permission', () => {
  it('someone outside the policy pressing the button is refused with the reason; the page keeps escalating', async () => {
    const { h, page, status } = await paged();
    const r = await h.svc.acknowledgePageById(actorFor(h.policy, 'slack', 'U0STRANGER', 'stranger'), page.id);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/You were not paged for #1, and acknowledging someone else's page needs membership of "responders"/);
    expect(await status()).toBe('open');
  });

  it('a policy person outside responders is refused by button and by `ack`; a responder may', async () => {
    const { h, page, status } = await paged();
    const bob = await h.svc.acknowledgePageById(h.as('bob'), page.id);
    expect(bob.ok).toBe(false);
    expect(await h.run('bob', 'ack #1')).toMatchObject({ ok: false, text: expect.stringContaining('permissions.acknowledge') });
    expect(await status()).toBe('open');
    expect((await h.svc.acknowledgePageById(h.as('alice'), page.id)).ok).toBe(true);
    expect(await status()).toBe('acknowledged');
  });

  it('whoever the page notified may always acknowledge it, in or out of the groups', async () => {
    const { h, page, status } = await paged();
    expect((await h.svc.acknowledgePageById(actorFor(h.policy, 'slack', 'U01CAROL'), page.id)).ok).toBe(true);
    expect(await status()).toBe('acknowledged');
  });

  it('permissions.acknowledge: anyone opens it to everyone', async () => {
    const { h, page, status } = await paged('permissions: { acknowledge: anyone }');
    expect((await h.svc.acknowledgePageById(actorFor(h.policy, 'slack', 'U0STRANGER'), page.id)).ok).toBe(true);
    expect(await status()).toBe('acknowledged');
  });
});
