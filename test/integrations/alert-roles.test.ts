// Issue #16's done-when, through a real alert: a Sev-2 opened by an integration at 03:00 has a
// commander, the person on call, without anyone typing a command.
import { afterEach, describe, expect, it } from 'vitest';
import { rolesOf } from '../../src/service/incident-view.js';
import { whoIsOnCall } from '../../src/service/oncall.js';
import { grafanaBody, policyWithIntegrations, TOKENS } from './fixtures.js';
import { alertApp, type AlertApp } from './helpers.js';

const AT_3AM = '2026-03-04T03:00:00Z';

// The bundled policy with its roles taken from the rota: a person who declares commands, an
// integration's incident goes to the primary on call.
const yaml = policyWithIntegrations().replace('roles: [commander, comms, scribe]', 'roles: { commander: [declarer, schedule:primary], comms: ~, scribe: ~ }');

let t: AlertApp;
afterEach(async () => {
  await t?.stop();
});

describe('alerts take roles from the rota', () => {
  it('a Sev-2 opened by Grafana at 03:00 has the primary on call as commander, in its first message', async () => {
    expect(yaml).toContain('commander: [declarer, schedule:primary]');
    t = await alertApp({ yaml, start: AT_3AM });
    const r = await t.post('/integrations/v1/grafana', grafanaBody, { authorization: `Bearer ${TOKENS.KLAXON_GRAFANA_TOKEN}` });
    expect(r.status).toBe(202);
    const [inc] = await t.incidents();
    expect(inc.severity).toBe('sev2');
    const onCall = (await whoIsOnCall(t.db, t.policy, 'primary', new Date(AT_3AM))).person!;
    expect(await rolesOf(t.db, inc.id)).toEqual({ commander: onCall });
    expect((await t.posts(inc.id))[0]).toContain(`Assigned: ${t.policy.people[onCall].name}`);
  });
});
