// The Slack on-call user group follows the rota from the moment Klaxon starts, and after every
// override, not only at the next regular hand-off.
import { describe, expect, it } from 'vitest';
import { bootstrapTimers } from '../../src/scheduler/tick.js';
import { harness } from '../helpers/harness.js';

const yaml = `
timezone: UTC
people:
  alice: { name: Alice, slack: U01ALICE }
  bob: { name: Bob, slack: U01BOB }
schedules:
  primary: { rotation: weekly, handoff: "mon 09:00", start: 2026-01-05, members: [alice, bob], slack_usergroup: S01PRIMARY }
  quiet: { rotation: weekly, start: 2026-01-05, members: [alice] }
groups: { responders: [alice, bob] }
severities: [{ id: sev1, description: Outage }]
`;

const usergroupActions = async (h: ReturnType<typeof harness>) =>
  (await h.posts((r) => r.kind === 'usergroup')).map((r) => ({ destination: r.destination, users: (r.body as { users: string[] }).users }));

describe('Slack user group sync', () => {
  it('at start-up the group is set to whoever is on call now', async () => {
    // Wednesday 2026-03-04: week 8 of the rota from 2026-01-05, so alice (even weeks) is on.
    const h = harness({ yaml, platforms: ['slack'] });
    await bootstrapTimers(h.svc);
    expect(await usergroupActions(h)).toEqual([{ destination: 'usergroup:S01PRIMARY', users: ['U01ALICE'] }]);
  });

  it('an override repoints it at once, and back when the override ends', async () => {
    const h = harness({ yaml, platforms: ['slack'] });
    expect((await h.run('alice', 'override primary @bob 2h')).ok).toBe(true);
    expect((await usergroupActions(h)).at(-1)).toEqual({ destination: 'usergroup:S01PRIMARY', users: ['U01BOB'] });
    await h.advance(2 * 3600_000 + 1000);
    expect((await usergroupActions(h)).at(-1)).toEqual({ destination: 'usergroup:S01PRIMARY', users: ['U01ALICE'] });
  });
});
