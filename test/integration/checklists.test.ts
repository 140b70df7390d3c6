// Phase checklists: posted on entering declared / mitigated / resolved, numbered across the
// incident, ticked with `check <n>`, shown by `status` and in the postmortem draft.
import { describe, expect, it } from 'vitest';
import { renderPostmortem } from '../../src/service/postmortem-draft.js';
import { getIncident } from '../../src/service/incident-view.js';
import { harness } from '../helpers/harness.js';

const YAML = `
timezone: UTC
people: { ana: { name: Ana }, ben: { name: Ben } }
checklists:
  intake: [Label the GitHub issue severity:N, Link the report]
severities:
  - id: sev1
    description: Outage
    checklist: [Name a commander]
    checklists:
      declared: [{ use: intake }]
      mitigated: [Tell the reporter a mitigation is live]
      resolved: [Close the incident channel, Archive the notes]
`;

describe('phase checklists', () => {
  it('each phase posts its numbered items once; `check` ticks one, and status and the postmortem show them', async () => {
    const h = harness({ yaml: YAML });
    await h.run('ana', 'declare sev1 Checkout down');
    expect((await h.texts('incident'))[0]).toContain('☐ 1. Name a commander\n☐ 2. Label the GitHub issue severity:N\n☐ 3. Link the report');
    expect(await h.run('ben', 'check 2')).toMatchObject({ ok: true, text: 'Ticked 2. Label the GitHub issue severity:N' });
    await h.run('ana', 'mitigate Rolled back');
    expect((await h.texts('incident')).at(-1)).toBe('Mitigated: next steps for #1 (tick with `check #1 <n>`):\n☐ 4. Tell the reporter a mitigation is live');
    await h.run('ana', 'update monitoring Still fine'); // already mitigated: not posted again
    expect((await h.texts('incident')).filter((t) => t.startsWith('Mitigated: next steps'))).toHaveLength(1);
    await h.run('ana', 'resolve Fixed');
    expect((await h.texts('incident')).at(-1)).toContain('☐ 5. Close the incident channel\n☐ 6. Archive the notes');
    await h.run('ana', 'check #1 6');
    const status = (await h.run('ana', 'status #1')).text;
    expect(status).toContain('☑ 2. Label the GitHub issue severity:N (Ben, 2026-03-04 10:00 UTC)');
    expect(status).toContain('☐ 5. Close the incident channel');
    const draft = await renderPostmortem(h.db, h.policy, (await getIncident(h.db, 1))!, h.clock.now());
    expect(draft).toContain('- **Checklist:** 2 of 6 ticked');
    expect(draft).toContain('  - ☑ 6. Archive the notes (Ana, 2026-03-04 10:00 UTC)');
  });

  it('refuses an unknown or already ticked item, changing nothing', async () => {
    const h = harness({ yaml: YAML });
    await h.run('ana', 'declare sev1 Checkout down');
    expect(await h.run('ana', 'check 9')).toMatchObject({ ok: false, text: expect.stringContaining('#1 has no checklist item 9 (items 1–3).') });
    expect(await h.run('ana', 'check two')).toMatchObject({ ok: false, text: expect.stringContaining('"two" is not an item number') });
    await h.run('ben', 'check 1');
    expect(await h.run('ana', 'check 1')).toMatchObject({ ok: false, text: expect.stringContaining('ticked already by Ben') });
  });

  it('check-policy names an unknown shared list', () => {
    expect(() => harness({ yaml: YAML.replace('{ use: intake }', '{ use: intkae }') })).toThrow(/severities\[0\]\.checklists\.declared\[0\]\.use: unknown checklist "intkae"/);
  });
});
