// `/incident public`, the per-severity public update cadence and status page components: what
// customers read is written for them, they hear something every interval, and they see which
// part of the product is affected.
import { describe, expect, it } from 'vitest';
import { loadStatus } from '../../src/http/status/model.js';
import { getIncident } from '../../src/service/incident-view.js';
import { timelineOf } from '../../src/service/timeline.js';
import { harness, HOUR, MINUTE } from '../helpers/harness.js';
import { errorsOf } from '../helpers/policy-errors.js';

const POLICY = `
timezone: Europe/London
people: { alice: { name: Alice }, bob: { name: Bob } }
severities:
  - { id: sev1, description: Outage, public: true, publish_after: 10m, public_updates: { every: 1h } }
  - { id: sev2, description: Degraded, public: true }
  - { id: sev3, description: Minor }
status_page: { title: Acme status, components: [API, Dashboard, Payment API] }
`;

const start = () => harness({ yaml: POLICY, start: '2026-03-04T10:00:00Z' });
type H = ReturnType<typeof start>;
const dueNudges = (h: H) => h.texts('incident').filter((t) => t.includes('status page update is due'));
const publicOf = (h: H, n: number) => loadStatus(h.db, h.policy, h.clock.now()).open.find((i) => i.number === n);

describe('/incident public', () => {
  it('puts the customer wording on the status page, and the internal updates stop showing there', () => {
    const h = start();
    h.run('alice', 'declare sev1 Checkout down');
    h.run('alice', 'update Bob says the db primary is wedged, failing over');
    h.advance(15 * MINUTE);
    expect(publicOf(h, 1)!.updates.map((u) => u.text)).toContain('Bob says the db primary is wedged, failing over');
    expect(h.run('bob', 'public We are investigating failed payments at checkout.')).toMatchObject({ ok: true, text: 'Posted a public update on #1.' });
    const texts = publicOf(h, 1)!.updates.map((u) => u.text);
    expect(texts[0]).toBe('We are investigating failed payments at checkout.');
    expect(texts).not.toContain('Bob says the db primary is wedged, failing over');
    expect(h.texts('incident').at(-1)).toContain('📣 Status page update for #1 (from Bob): We are investigating failed payments at checkout.');
  });

  it('before publish_after it is kept and the reply says when it shows', () => {
    const h = start();
    h.run('alice', 'declare sev1 Checkout down');
    expect(h.run('alice', 'public Investigating').text).toBe('Posted a public update on #1. It shows on the status page from 2026-03-04 10:10 GMT (publish_after).');
    expect(publicOf(h, 1)).toBeUndefined();
    h.advance(10 * MINUTE);
    expect(publicOf(h, 1)!.updates[0].text).toBe('Investigating');
  });

  it('refuses a severity that is not public, empty text and a resolved incident, changing nothing', () => {
    const h = start();
    h.run('alice', 'declare sev3 Admin report slow');
    const before = timelineOf(h.db, 1).length;
    const r = h.run('alice', 'public #1 Reports are slow');
    expect(r.ok).toBe(false);
    expect(r.text).toContain('not on the status page');
    expect(h.run('alice', 'public #1').ok).toBe(false);
    h.run('alice', 'resolve #1 fine');
    expect(h.run('alice', 'public #1 all good').text).toContain('is resolved');
    expect(timelineOf(h.db, 1).filter((e) => e.kind === 'public_update')).toEqual([]);
    expect(timelineOf(h.db, 1).length).toBe(before + 1); // only the resolution
  });
});

describe('public_updates: { every }', () => {
  it('nudges when the incident goes public, then an interval after each public update or nudge, until resolved', () => {
    const h = start();
    h.run('alice', 'declare sev1 Checkout down');
    h.advance(9 * MINUTE);
    expect(dueNudges(h)).toEqual([]);
    h.advance(MINUTE); // 10:10: public now, customers have had nothing
    expect(dueNudges(h)).toHaveLength(1);
    expect(dueNudges(h)[0]).toContain('customers have had none yet');
    expect(dueNudges(h)[0]).toContain('`public #1 <what customers should know>`');
    h.advance(10 * MINUTE);
    h.run('alice', 'public Investigating'); // 10:20
    h.advance(59 * MINUTE); // 11:19
    expect(dueNudges(h)).toHaveLength(1);
    h.advance(MINUTE); // 11:20
    expect(dueNudges(h)).toHaveLength(2);
    expect(dueNudges(h)[1]).toContain('the last one was at 2026-03-04 10:20 GMT');
    h.advance(HOUR); // 12:20: nudged again an interval after the last nudge
    expect(dueNudges(h)).toHaveLength(3);
    h.run('alice', 'resolve Fixed');
    h.advance(5 * HOUR);
    expect(dueNudges(h)).toHaveLength(3);
  });

  it('internal updates do not count as public ones, and a severity without public_updates is never nudged', () => {
    const h = start();
    h.run('alice', 'declare sev2 Search slow');
    h.advance(2 * HOUR);
    expect(dueNudges(h)).toEqual([]);
    h.run('alice', 'severity sev1'); // raised: public updates now owed (public since 10:10)
    h.advance(MINUTE);
    expect(dueNudges(h)).toHaveLength(1);
    h.run('alice', 'update still looking');
    h.advance(HOUR);
    expect(dueNudges(h)).toHaveLength(2);
  });

  it('check-policy refuses public_updates on a severity that is not public', () => {
    const yaml = POLICY.replace('{ id: sev3, description: Minor }', '{ id: sev3, description: Minor, public_updates: { every: 2h } }');
    expect(errorsOf(yaml)).toContain('severities[2].public_updates: needs public: true (only a public severity is on the status page)');
  });
});

describe('/incident components', () => {
  it('names components as the policy spells them; the status page shows them affected; none clears', () => {
    const h = start();
    h.run('alice', 'declare sev1 Checkout down');
    expect(h.run('alice', 'components api, payment api')).toMatchObject({ ok: true, text: '#1 affects API, Payment API.' });
    expect(getIncident(h.db, 1)!.components).toEqual(['API', 'Payment API']);
    expect(h.run('alice', 'status').text).toContain('Components: API, Payment API');
    h.advance(10 * MINUTE);
    const m = loadStatus(h.db, h.policy, h.clock.now());
    expect(m.components.map((c) => [c.name, c.affectedBy.map((i) => i.number)])).toEqual([
      ['API', [1]],
      ['Dashboard', []],
      ['Payment API', [1]],
    ]);
    expect(h.run('alice', 'components none').text).toBe('#1 names no component now.');
    expect(loadStatus(h.db, h.policy, h.clock.now()).components.every((c) => c.affectedBy.length === 0)).toBe(true);
  });

  it('refuses an unknown component (listing them) or an empty list, changing nothing', () => {
    const h = start();
    h.run('alice', 'declare sev1 Checkout down');
    h.run('alice', 'components API');
    const r = h.run('alice', 'components API, Billing');
    expect(r).toMatchObject({ ok: false });
    expect(r.text).toContain('"Billing" is not a status page component. Components: API, Dashboard, Payment API.');
    expect(h.run('alice', 'components ,').ok).toBe(false);
    expect(getIncident(h.db, 1)!.components).toEqual(['API']);
  });

  it('a policy without components says so', () => {
    const h = harness({ yaml: POLICY.replace(', components: [API, Dashboard, Payment API]', ''), start: '2026-03-04T10:00:00Z' });
    h.run('alice', 'declare sev1 Checkout down');
    expect(h.run('alice', 'components API').text).toContain('The policy names no status page components (status_page.components).');
  });

  it('check-policy refuses a component named twice', () => {
    expect(errorsOf(POLICY.replace('Payment API]', 'Payment API, api]'))).toContain('status_page.components[3]: "api" is already status_page.components[0]');
  });
});
