import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/cli/check-policy.js';

// The CLI exactly as a user runs it: bin/klaxon.js in a child process.
function klaxon(args: string[], o: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, ['bin/klaxon.js', ...args], {
    input: o.input ?? '',
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', KLAXON_POLICY: '', ...o.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Each test starts the CLI (a fresh Node process) up to three times: on a loaded CI machine one start
// can take ten seconds or more, so the tests get room for all of them.
const SPAWNING = { timeout: 120_000 };

const tmp = () => mkdtempSync(join(tmpdir(), 'klaxon-cli-'));

describe('klaxon start (console, piped)', SPAWNING, () => {
  it('runs the whole flow and a second run on the same database still lists incident 1 as resolved', () => {
    const db = join(tmp(), 'nested', 'klaxon.db'); // the folder does not exist yet
    const first = klaxon(['start'], {
      env: { KLAXON_DB: db },
      input: '/incident declare sev1 Checkout down\n/incident update identified Bad deploy found\n/incident resolve Rolled back\n/incident list\n',
    });
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('Klaxon — incident response bot');
    expect(first.out).toContain('adapters: console');
    expect(first.out).toContain('✔ Declared #1 (sev1): Checkout down');
    // Whoever is on the primary rota today (the console runs on the real clock) is paged.
    expect(first.out).toMatch(/\[\d+\] DM @(\w+): 📟 @\1: you are paged for incident #1/);
    expect(first.out).toMatch(/#inc-1-checkout-down: 🚨 INCIDENT: SEV1 - Checkout down/);
    expect(first.out).toMatch(/#inc-1-checkout-down: 📊 UPDATE: SEV1 - Checkout down\n\s+Current Status: Identified/);
    expect(first.out).toMatch(/#inc-1-checkout-down: ✅ RESOLVED: SEV1 - Checkout down/);

    const second = klaxon(['start'], { env: { KLAXON_DB: db }, input: '/incident list\n' });
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/#1 \[SEV1\] resolved\s+Checkout down/);
  });

  it('acknowledges a page with /react in the console and switches people with /as', () => {
    const db = join(tmp(), 'k.db');
    const r = klaxon(['start'], { env: { KLAXON_DB: db }, input: '/incident declare sev1 Checkout down\n/as carol\n/react 1 white_check_mark\n' });
    expect(r.out).toContain('You are now @carol.');
    expect(r.out).toContain('✔ Acknowledged the page for #1.');
    expect(r.out).toMatch(/\[1 edited\] DM @\w+: ✅ Acknowledged by Carol Chen/);
  });

  it('a bad environment value stops start-up with one line naming the variable', () => {
    const r = klaxon(['start'], { env: { PORT: 'eighty' } });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^PORT: /);
  });
});

describe('klaxon check-policy', SPAWNING, () => {
  it('accepts every example policy', () => {
    // Each file through the same check the command runs (one process start per file took 30 s on
    // a busy machine); the command itself, exit code and output, once.
    const files = readdirSync('examples/policies').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const r = checkPolicy(`examples/policies/${f}`);
      expect(r.ok, `${f}: ${r.output}`).toBe(true);
    }
    const r = klaxon(['check-policy', 'examples/policies/default.yaml']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('✓ examples/policies/default.yaml is a valid policy');
  });

  it('rejects a broken copy with every error named by its path, and exit code 1', () => {
    const dir = tmp();
    const text = readFileSync('examples/policies/default.yaml', 'utf8')
      .replace('resolve: 4h }', 'resolve: 4 buisness hours }')
      .replace('[schedule:secondary]', '[schedule:secundary]');
    writeFileSync(join(dir, 'broken.yaml'), text);
    const r = klaxon(['check-policy', join(dir, 'broken.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/severities\[0\]\.targets\.resolve: "4 buisness hours" is not a duration/);
    expect(r.err).toMatch(/escalation_policies\.default\.tiers\[1\]\.targets\[0\]: unknown schedule "secundary"/);
  });

  it('names the line of a YAML syntax error', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), 'timezone: UTC\nseverities:\n  - id: sev1\n    description: [unclosed\n');
    const r = klaxon(['check-policy', join(dir, 'bad.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line \d+/);
  });
});

describe('klaxon simulate / oncall / postmortem', SPAWNING, () => {
  it('simulate prints the escalation the policy would produce', () => {
    const r = klaxon(['simulate', '--policy', 'examples/policies/default.yaml', '--severity', 'sev1', '--ack-after', '40m', '--resolve-after', '3h', '--at', '2026-03-04T10:00:00Z']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\+0 .*Tier 1 of escalation policy default notified: Carol Chen/);
    expect(r.out).toMatch(/\+15m .*Tier 2 of escalation policy default notified: Alice Archer/);
    expect(r.out).toMatch(/\+30m .*Tier 3 of escalation policy default notified: Erin Evans/);
    expect(r.out).toMatch(/\+40m .*acknowledged/);
    expect(r.out).toMatch(/\+3h .*Resolved/);
    expect(r.out).toMatch(/Postmortem due 2026-03-09/);
  });

  it('simulate --json is machine-readable and rejects an unknown severity', () => {
    const r = klaxon(['simulate', '--severity', 'sev2', '--at', '2026-03-04T10:00:00Z', '--json'], { env: { KLAXON_POLICY: 'examples/policies/default.yaml' } });
    const parsed = JSON.parse(r.out) as { events: { offset: string; kind: string }[] };
    expect(parsed.events[0]).toMatchObject({ offset: '+0', kind: 'declared' });
    expect(parsed.events.some((e) => e.kind === 'page')).toBe(true);
    const bad = klaxon(['simulate', '--severity', 'sev9']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown severity "sev9"/);
  });

  it('oncall --at names who is on and the next hand-off', () => {
    const db = join(tmp(), 'k.db');
    const r = klaxon(['oncall', 'primary', '--at', '2026-03-04T10:00:00Z'], { env: { KLAXON_DB: db } });
    expect(r.out.trim()).toBe('primary: Carol Chen until 2026-03-09 09:00 GMT');
  });

  it('bad arguments get one line saying what is wrong (then the command\'s usage) and exit 2, not a stack trace', () => {
    for (const args of [['oncall', 'nosuch'], ['oncall', '--at', 'yesterday'], ['oncall', '--bogus']]) {
      const r = klaxon(args, { env: { KLAXON_DB: join(tmp(), 'k.db') } });
      expect(r.code, args.join(' ')).toBe(2);
      const [first, ...rest] = r.err.trim().split('\n');
      expect(first, args.join(' ')).not.toMatch(/^Usage/);
      expect(rest.length === 0 || rest[0].startsWith('Usage: klaxon oncall'), args.join(' ')).toBe(true);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses to start with a policy that dropped a severity open incidents still use; escalation policies may change', () => {
    const dir = tmp();
    const db = join(dir, 'k.db');
    klaxon(['start'], { env: { KLAXON_DB: db }, input: 'declare sev1 Checkout down\n' });
    const policy = readFileSync('examples/policies/default.yaml', 'utf8');
    // The open page carries its plan, so renaming the escalation policy it started from is fine.
    const renamed = join(dir, 'renamed.yaml');
    writeFileSync(renamed, policy.replace(/^  default:$/m, '  main:').replace(/page: default/g, 'page: main'));
    const ok = klaxon(['start'], { env: { KLAXON_DB: db, KLAXON_POLICY: renamed }, input: 'list\n' });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Checkout down');
    const noSev1 = join(dir, 'no-sev1.yaml');
    writeFileSync(noSev1, policy.replace(/^  - id: sev1$/m, '  - id: sev0'));
    const r = klaxon(['start'], { env: { KLAXON_DB: db, KLAXON_POLICY: noSev1 }, input: 'list\n' });
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/lacks what open incidents still use: severity "sev1" is used by open incident #1/);
  });

  it('postmortem N prints the draft for a resolved incident', () => {
    const dir = tmp();
    const db = join(dir, 'k.db');
    klaxon(['start'], { env: { KLAXON_DB: db }, input: 'declare sev1 Checkout down\nresolve Rolled back\n' });
    const r = klaxon(['postmortem', '1'], { env: { KLAXON_DB: db } });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^# Postmortem: #1 Checkout down/);
    expect(r.out).toMatch(/## Timeline/);
    const missing = klaxon(['postmortem', '9'], { env: { KLAXON_DB: db } });
    expect(missing.code).toBe(1);
  });
});
