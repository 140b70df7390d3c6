// `eta` and `cause` (and `resolve … --cause`): what {eta} and {root_cause} print, and lines that
// disappear while nobody has given them. Default policy: London, GMT in March.
import { describe, expect, it } from 'vitest';
import { renderPostmortem } from '../../src/service/postmortem-draft.js';
import { getIncident } from '../../src/service/incident-view.js';
import { harness, HOUR } from '../helpers/harness.js';

const lastIn = async (h: ReturnType<typeof harness>) => (await h.texts('incident')).at(-1)!;

describe('eta', () => {
  it('no ETA yet: the update has no "ETA: —" line; once given, every update shows it', async () => {
    const h = harness({ start: '2026-03-04T10:00:00Z' });
    await h.run('alice', 'declare sev2 Search is slow');
    await h.run('alice', 'update Looking at the index');
    expect(await lastIn(h)).not.toMatch(/ETA/);
    expect(await lastIn(h)).not.toContain('—');
    expect(await h.run('alice', 'eta 2h')).toMatchObject({ ok: true, text: 'ETA for #1: 2026-03-04 12:00 GMT.' });
    await h.run('alice', 'update Reindexing');
    expect(await lastIn(h)).toContain('ETA: 2026-03-04 12:00 GMT');
    expect((await h.run('alice', 'status')).text).toContain('ETA: 2026-03-04 12:00 GMT');
  });

  it('takes a time of day (the next one), a calendar word, or the responder\'s own words', async () => {
    const h = harness({ start: '2026-03-04T18:00:00Z' }); // Wednesday evening
    await h.run('alice', 'declare sev2 Search is slow');
    expect((await h.run('alice', 'eta 09:30')).text).toBe('ETA for #1: 2026-03-05 09:30 GMT.');
    expect((await h.run('alice', 'eta end of business day')).text).toBe('ETA for #1: 2026-03-05 17:30 GMT.');
    expect((await h.run('alice', 'eta after the vendor replies')).text).toBe('ETA for #1: after the vendor replies.');
    expect(await h.run('alice', 'eta 25:00')).toMatchObject({ ok: false });
    expect((await getIncident(h.db, 1))!.eta).toBe('after the vendor replies');
    expect(await h.run('alice', 'eta')).toMatchObject({ ok: false });
  });
});

describe('root cause', () => {
  it('`resolve … --cause` fills {root_cause} in the resolution and the postmortem draft', async () => {
    const h = harness({ start: '2026-03-04T10:00:00Z' });
    await h.run('alice', 'declare sev1 Checkout down');
    await h.advance(HOUR);
    expect((await h.run('alice', 'resolve Rolled back --cause a config push disabled the payment provider')).ok).toBe(true);
    const resolved = (await h.texts('incident')).find((t) => t.startsWith('✅ RESOLVED'))!;
    expect(resolved).toContain('Resolution: Rolled back\n');
    expect(resolved).toContain('Root Cause: a config push disabled the payment provider');
    expect(await renderPostmortem(h.db, h.policy, (await getIncident(h.db, 1))!, h.clock.now())).toContain('- **Root cause:** a config push disabled the payment provider');
  });

  it('without one, the resolution leaves the Root Cause line out; `cause` records it even after resolving', async () => {
    const h = harness({ start: '2026-03-04T10:00:00Z' });
    await h.run('alice', 'declare sev1 Checkout down');
    await h.run('alice', 'resolve Rolled back');
    const resolved = (await h.texts('incident')).find((t) => t.startsWith('✅ RESOLVED'))!;
    expect(resolved).not.toContain('Root Cause');
    expect(resolved).not.toContain('—');
    expect((await h.run('alice', 'cause #1 expired TLS certificate')).ok).toBe(true);
    expect((await getIncident(h.db, 1))!.rootCause).toBe('expired TLS certificate');
    expect(await h.run('alice', 'resolve #1 x --cause')).toMatchObject({ ok: false });
  });
});

describe('per-severity templates', () => {
  it('a severity\'s own resolved template wins over the policy-wide one', async () => {
    const h = harness({
      yaml: `
timezone: UTC
people: { ana: { name: Ana } }
templates: { resolved: "Done: {title}" }
severities:
  - { id: P0, description: Critical, templates: { resolved: "P0 over: {title}. Root cause: {root_cause}. Post-mortem: {postmortem}" } }
  - { id: P3, description: Low }
`,
    });
    await h.run('ana', 'declare P0 Payments down');
    await h.run('ana', 'resolve #1 Fixed --cause bad deploy');
    await h.run('ana', 'declare P3 Typo');
    await h.run('ana', 'resolve #2 Fixed');
    expect((await h.texts('incident')).filter((t) => /^(P0 over|Done)/.test(t))).toEqual(['P0 over: Payments down. Root cause: bad deploy. Post-mortem: not required', 'Done: Typo']);
  });

  it('check-policy names an unknown placeholder in a severity template', () => {
    expect(() => harness({ yaml: 'severities: [{ id: P0, description: x, templates: { resolved: "{nope}" } }]' })).toThrow(/severities\[0\]\.templates\.resolved: unknown placeholder \{nope\}/);
  });
});
