// Buttons that run commands: a checklist's Tick and Run buttons and an action's Confirm go through
// service.runButton, which runs the same command as typing it, and nothing else.
import { describe, expect, it } from 'vitest';
import type { MessageBody } from '../../src/service/port.js';
import { timelineOf } from '../../src/service/timeline.js';
import { harness } from '../helpers/harness.js';
import { errorsOf } from '../helpers/policy-errors.js';

const POLICY = `
people: { ana: { name: Ana }, bob: { name: Bob } }
groups: { responders: [ana] }
actions:
  product-safe-mode: { description: "the product's safe_mode=true", url: "http://127.0.0.1:9/safe", permission: [responders], timeout: 2s }
checklists:
  intake: [Link the report, { action: product-safe-mode }]
severities:
  - id: sev1
    description: Outage
    checklist: [Name a commander]
    checklists: { declared: [{ use: intake }], mitigated: [{ text: Turn safe mode back off later, action: product-safe-mode }] }
`;
const start = () => harness({ yaml: POLICY });
type H = ReturnType<typeof start>;
const incidentBodies = (h: H) => h.posts((p) => p.kind === 'post' && p.destination === 'incident').map((p) => p.body as MessageBody);

describe('checklist buttons', () => {
  it('the declaration shows a Tick per item and a Run for an item done with an action', () => {
    const h = start();
    h.run('ana', 'declare sev1 Wrong replies');
    const declared = incidentBodies(h)[0];
    expect(declared.text).toContain("☐ 3. the product's safe_mode=true (action product-safe-mode)");
    expect(declared.actions).toEqual([
      { id: 'command', label: 'Tick 1', value: 'check #1 1' },
      { id: 'command', label: 'Tick 2', value: 'check #1 2' },
      { id: 'command', label: 'Run product-safe-mode', value: 'action #1 product-safe-mode', style: 'danger' },
      { id: 'command', label: 'Tick 3', value: 'check #1 3' },
    ]);
    h.run('ana', 'mitigate Rolled back');
    expect(incidentBodies(h).at(-1)!.actions!.map((a) => a.value)).toEqual(['action #1 product-safe-mode', 'check #1 4']);
  });

  it('a pressed button runs its command as the presser, with the same permission and errors', async () => {
    const h = start();
    h.run('ana', 'declare sev1 Wrong replies');
    expect(h.svc.runButton(h.as('bob'), 'check #1 2')).toMatchObject({ ok: true, text: 'Ticked 2. Link the report' });
    expect(h.svc.runButton(h.as('bob'), 'check #1 2')).toMatchObject({ ok: false, text: expect.stringContaining('was ticked already by Bob') });
    // Run asks to confirm, with the Confirm button; Bob may not run it at all.
    const asked = h.svc.runButton(h.as('ana'), 'action #1 product-safe-mode');
    expect(asked.body?.actions).toEqual([{ id: 'command', label: 'Confirm: run product-safe-mode', value: 'action #1 product-safe-mode confirm', style: 'danger' }]);
    expect(h.svc.runButton(h.as('bob'), 'action #1 product-safe-mode confirm')).toMatchObject({ ok: false, text: expect.stringContaining('needs membership of "responders"') });
    expect(h.svc.runButton(h.as('ana'), 'action #1 product-safe-mode confirm')).toMatchObject({ ok: true, text: expect.stringContaining('Running product-safe-mode') });
    await h.svc.actionsSettled();
    expect(timelineOf(h.db, 1).filter((e) => e.kind.startsWith('action')).map((e) => e.kind)).toEqual(['action', 'action_failed']);
  });

  it('a button value that is not check or action is refused and changes nothing', () => {
    const h = start();
    h.run('ana', 'declare sev1 Wrong replies');
    const before = timelineOf(h.db, 1).length;
    for (const forged of ['resolve #1 gone', 'severity #1 sev1', 'automation off', '', 'check #1 x']) {
      expect(h.svc.runButton(h.as('ana'), forged), forged).toMatchObject({ ok: false });
    }
    expect(timelineOf(h.db, 1).length).toBe(before);
  });

  it('check-policy names a checklist action that is not defined', () => {
    expect(errorsOf(POLICY.replace('{ action: product-safe-mode }]', '{ action: nope }]'))).toContain('checklists.intake[1].action: unknown action "nope" (define it under actions)');
    expect(errorsOf(POLICY.replace('Turn safe mode back off later, action: product-safe-mode', 'x, action: nope'))).toContain(
      'severities[0].checklists.mitigated[0].action: unknown action "nope" (define it under actions)',
    );
  });
});
