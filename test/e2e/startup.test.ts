// Start-up as a person setting Klaxon up meets it: every bad environment stops with one line that
// names the variable and exit status 1; help exits 0; .env is read; a container's empty stdin
// does not stop the bot.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

function klaxon(args: string[], o: { env?: Record<string, string>; cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/klaxon.js'), ...args], {
    cwd: o.cwd ?? process.cwd(),
    input: o.input ?? '',
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', KLAXON_POLICY: join(process.cwd(), 'examples/policies/default.yaml'), ...o.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'klaxon-start-'));
const oneLine = (r: { err: string }) => r.err.trim().split('\n');

describe('a bad KLAXON_DB stops start-up with one line', () => {
  it.each([
    ['a folder', () => { const d = join(tmp(), 'k.db'); mkdirSync(d); return d; }, /^KLAXON_DB: .*k\.db is a folder/],
    ['random bytes', () => { const f = join(tmp(), 'k.db'); writeFileSync(f, Buffer.alloc(8192, 0x5a)); return f; }, /^KLAXON_DB: .* is not a SQLite database/],
    ['another application\'s SQLite file', () => {
      const f = join(tmp(), 'app.db');
      const other = new Database(f);
      other.exec('create table invoices (id integer primary key, total real)');
      other.close();
      return f;
    }, /^KLAXON_DB: .*app\.db is another application's SQLite database \(tables: invoices\)/],
  ])('%s', (_name, make, message) => {
    const path = make();
    const r = klaxon(['start', '--no-console'], { env: { KLAXON_DB: path } });
    expect(r.code).toBe(1);
    expect(oneLine(r)).toHaveLength(1);
    expect(r.err).toMatch(message);
  });

  it('another application\'s file is left exactly as it was (no Klaxon tables, no WAL)', () => {
    const f = join(tmp(), 'app.db');
    const other = new Database(f);
    other.exec('create table invoices (id integer primary key)');
    other.close();
    klaxon(['migrate'], { env: { KLAXON_DB: f } });
    const check = new Database(f, { readonly: true });
    expect(check.prepare("select name from sqlite_master where type = 'table'").pluck().all()).toEqual(['invoices']);
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('LOG_LEVEL=debug adds the stack', () => {
    const d = join(tmp(), 'k.db');
    mkdirSync(d);
    const r = klaxon(['start', '--no-console'], { env: { KLAXON_DB: d, LOG_LEVEL: 'debug' } });
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[0]).toMatch(/^KLAXON_DB: /);
    expect(r.err).toMatch(/\n\s+at /);
  });
});

describe('HTTP listener problems name PORT or HOST', () => {
  it('a port in use', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/klaxon.js', 'start', '--no-console'], { env: { ...process.env, PORT: String(port), KLAXON_DB: ':memory:', LOG_LEVEL: 'silent', KLAXON_POLICY: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => (err += String(d)));
        child.on('exit', (code) => resolve({ code, err }));
      });
      expect(r.code).toBe(1);
      expect(oneLine(r)).toEqual([`PORT: ${port} is already in use on 127.0.0.1 (another Klaxon or program is listening); choose another PORT`]);
    } finally {
      busy.close();
    }
  });

  it('a HOST that does not resolve', () => {
    const r = klaxon(['start', '--no-console'], { env: { KLAXON_DB: ':memory:', HOST: 'no-such-host.invalid' } });
    expect(r.code).toBe(1);
    expect(oneLine(r)).toHaveLength(1);
    expect(r.err).toMatch(/^HOST: cannot resolve "no-such-host\.invalid"/);
  });
});

describe('help and usage', () => {
  it.each([['--help'], ['help'], ['-h'], ['start', '--help'], ['simulate', '--help'], ['help', 'check-policy']])('klaxon %s exits 0 with usage', (...args) => {
    const r = klaxon(args);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Usage: klaxon/);
  });

  it('an unknown option prints the command\'s usage and exits 2', () => {
    const r = klaxon(['oncall', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^unknown option --bogus\nUsage: klaxon oncall/);
  });
});

describe('.env and check-policy', () => {
  it('.env in the working directory is read, and a real environment variable wins over it', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'KLAXON_TICK_SECONDS=abc\nPORT=70000\n');
    const fromFile = klaxon(['start', '--no-console'], { cwd: dir, env: { PORT: '', KLAXON_DB: ':memory:' } });
    expect(fromFile.code).toBe(1);
    expect(fromFile.err).toMatch(/^KLAXON_TICK_SECONDS: /);
    // PORT from the real environment ("0" via the helper) wins; the .env's bad value is ignored.
    const won = klaxon(['migrate'], { cwd: dir, env: { PORT: '0', KLAXON_TICK_SECONDS: '5', KLAXON_DB: ':memory:' } });
    expect(won.code, won.err).toBe(0);
  });

  it('check-policy with no argument checks the policy start would load', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'klaxon.yaml'), 'severities: [{ id: sev1, description: Outage, targets: { resolve: 3 buisness days } }]\n');
    const r = klaxon(['check-policy'], { cwd: dir, env: { KLAXON_POLICY: '' } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^✗ \.\/klaxon\.yaml: 1 problem\n {2}severities\[0\]\.targets\.resolve: "3 buisness days" is not a duration/);
    const bundled = klaxon(['check-policy'], { cwd: tmp(), env: { KLAXON_POLICY: '' } });
    expect(bundled.code).toBe(0);
    expect(bundled.out).toMatch(/default\.yaml is a valid policy/);
  });
});

describe('no terminal, no input (a container, systemd)', () => {
  it('keeps serving until SIGTERM instead of exiting when stdin ends', async () => {
    const child = spawn(process.execPath, ['bin/klaxon.js', 'start'], { env: { ...process.env, PORT: '0', KLAXON_DB: ':memory:', LOG_LEVEL: 'silent', KLAXON_POLICY: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += String(d);
        if (out.includes('running without the console chat until stopped')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} early: ${out}`)));
    });
    const port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1];
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.removeAllListeners('exit');
    const code = await new Promise((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 30_000);
});
