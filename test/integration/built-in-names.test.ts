// Names people type (a schedule, a person, a help topic) are looked up as the policy's own
// entries only: JavaScript's built-ins (`constructor`, `toString`, `__proto__`) are not
// schedules, people or commands, and answer like any other unknown name.
import { describe, expect, it } from 'vitest';
import { PolicyError, parsePolicy } from '../../src/config/policy/index.js';
import { incidents, overrides } from '../../src/store/tables.js';
import { harness } from '../helpers/harness.js';

const BUILT_INS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('built-in names typed in commands', () => {
  it.each(BUILT_INS)('"%s" is an unknown schedule, person or topic, and nothing is stored', async (name) => {
    const h = harness();
    await h.run('alice', 'declare sev2 Search is slow');
    const refusals = [
      [`oncall ${name}`, `There is no schedule "${name}"`],
      [`override ${name} @bob 2h`, `There is no schedule "${name}"`],
      [`override primary @${name} 2h`, `Nobody called "${name}"`],
      [`page #1 ${name}`, `Nothing called "${name}" to page`],
      [`page #1 @${name}`, `Nobody called "${name}"`],
      [`role #1 commander @${name}`, `Nobody called "${name}"`],
    ];
    for (const [line, message] of refusals) {
      const r = await h.run('erin', line);
      expect(r.ok, line).toBe(false);
      expect(r.text, line).toContain(message);
    }
    // `help <built-in>` is the general help, not a crash or "Usage: function Object()".
    const help = await h.run('alice', `help ${name}`);
    expect(help.ok).toBe(true);
    expect(help.text).toContain('Klaxon commands');
    expect((await h.db.select().from(overrides))).toEqual([]);
    expect((await h.db.select().from(incidents))).toHaveLength(1);
  });

  it('a person outside the policy acting as "constructor" is not given a policy person\'s name', async () => {
    const h = harness();
    const r = await h.svc.run(h.as('constructor'), 'declare sev3 Typo on the pricing page');
    expect(r.ok).toBe(true);
    const status = await h.run('alice', 'status #1');
    expect(status.text).not.toMatch(/function|Object/);
  });
});

describe('policy names', () => {
  const policyWith = (people: string, schedules = '') => `
people:
${people}
${schedules}
severities: [{ id: sev1, description: Outage }]
`;
  it.each(['constructor', 'toString', '__proto__', 'prototype'])('refuses a person called "%s"', (name) => {
    expect(() => parsePolicy(policyWith(`  ${name}: { name: Someone }`))).toThrow(PolicyError);
    try {
      parsePolicy(policyWith(`  ${name}: { name: Someone }`));
    } catch (e) {
      expect((e as PolicyError).issues.join('\n')).toMatch(new RegExp(`people\\.${name}|people\\["${name}"\\]`));
    }
  });

  it('refuses schedule names with spaces or punctuation that commands cannot type, naming the path', () => {
    const yaml = policyWith('  alice: { name: Alice }', 'schedules:\n  "on call": { rotation: daily, start: 2026-01-05, members: [alice] }');
    expect(() => parsePolicy(yaml)).toThrow(/schedules\["on call"\]: "on call" is not a usable name/);
  });

  it('accepts the usual names (letters, digits, dashes, dots, underscores)', () => {
    const yaml = policyWith('  alice.smith: { name: Alice }\n  bob_2: { name: Bob }', 'schedules:\n  eu-primary: { rotation: daily, start: 2026-01-05, members: [alice.smith, bob_2] }');
    expect(Object.keys(parsePolicy(yaml).schedules)).toEqual(['eu-primary']);
  });
});

describe('slack user groups', () => {
  it('two schedules naming the same user group are refused (they would overwrite each other)', () => {
    const yaml = `
people: { alice: { name: Alice } }
schedules:
  primary: { rotation: weekly, start: 2026-01-05, members: [alice], slack_usergroup: S01ONCALL }
  secondary: { rotation: weekly, start: 2026-01-05, members: [alice], slack_usergroup: S01ONCALL }
severities: [{ id: sev1, description: Outage }]
`;
    expect(() => parsePolicy(yaml)).toThrow(/schedules\.secondary\.slack_usergroup: "S01ONCALL" is already the user group of schedule "primary"/);
  });
});
