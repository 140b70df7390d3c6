// The newcomer's path, walked as the README tells it: the console tour typed line by line (piped,
// as the README says works), then the policy commands it suggests. A README command that Klaxon
// refuses fails this test, so the README and the product cannot drift apart.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const README = readFileSync('README.md', 'utf8');

function klaxon(args: string[], o: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, ['bin/klaxon.js', ...args], {
    input: o.input ?? '',
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', KLAXON_POLICY: '', KLAXON_DB: join(mkdtempSync(join(tmpdir(), 'klaxon-readme-')), 'klaxon.db'), ...o.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The lines typed at the `name> ` prompts of the README's console tour, in order. */
function tourLines(): string[] {
  const section = README.slice(README.indexOf('## A one-minute console tour'));
  const block = /```\n([\s\S]*?)```/.exec(section)![1];
  return block
    .split('\n')
    .map((l) => /^\w+> (.*?)(?:\s+←.*)?$/.exec(l)?.[1])
    .filter((l): l is string => Boolean(l));
}

describe("the README's newcomer path", () => {
  it('the console tour: every command typed is accepted', () => {
    const lines = tourLines();
    expect(lines.length).toBeGreaterThanOrEqual(6);
    const r = klaxon(['start'], { input: `${lines.join('\n')}\n` });
    expect(r.code, r.err).toBe(0);
    const answers = r.out.split('\n').filter((l) => /^[✔✖]/.test(l));
    expect(answers.filter((a) => a.startsWith('✖')), r.out).toEqual([]);
    expect(r.out).toContain('✔ Declared #1 (sev1): Checkout down');
    expect(r.out).toMatch(/You are now @carol\./);
    expect(r.out).toMatch(/✔ Acknowledged the page for #1\./);
    expect(r.out).toMatch(/✔ Resolved #1\./);
    expect(r.out).toMatch(/Timeline of #1 Checkout down/);
  });

  it('the piped one-liner it shows', () => {
    const piped = /printf '([^']*)' \| npm start/.exec(README)![1].replace(/\\n/g, '\n');
    const r = klaxon(['start'], { input: piped });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/✔ Declared #1 \(sev1\): API down/);
  });

  it('the command-line examples: help, check-policy and simulate on the bundled policy', () => {
    expect(klaxon(['--help']).code).toBe(0);
    const check = klaxon(['check-policy']);
    expect(check.code, check.err).toBe(0);
    expect(check.out).toMatch(/is a valid policy/);
    const sim = klaxon(['simulate', '--severity', 'sev1']);
    expect(sim.code, sim.err).toBe(0);
    expect(sim.out).toMatch(/Tier 1 of escalation policy default notified/);
  });
});
