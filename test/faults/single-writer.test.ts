// One writer per database file: a second Klaxon on the same KLAXON_DB refuses to start with one
// line naming the holder, and SIGTERM to `npm start` stops Klaxon itself (no orphan holding it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/service/clock.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { acquireWriterLease, LeaseHeldError } from '../../src/store/lease.js';
import { leases } from '../../src/store/schema.js';
import { waitFor as until } from '../helpers/wait.js';

let dir: string;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = (db: string) => ({ ...process.env, KLAXON_DB: db, PORT: '0', LOG_LEVEL: 'silent', KLAXON_POLICY: '' });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The PID recorded as the database's writer, once a Klaxon has started on it. */
function holderPid(db: string): number | undefined {
  const d = openDb(db, { migrate: false });
  try {
    return d.select().from(leases).get()?.pid;
  } catch {
    return undefined;
  } finally {
    closeDb(d);
  }
}

describe('one writer per database', () => {
  it('a second lease on the same file is refused, naming the holder; a released lease can be taken', () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-lease-'));
    const path = join(dir, 'k.db');
    const a = openDb(path);
    const b = openDb(path);
    const clock = new FakeClock('2026-03-04T10:00:00Z');
    const first = acquireWriterLease(a, clock, { path });
    expect(() => acquireWriterLease(b, clock, { path, pid: 1 })).toThrow(LeaseHeldError);
    expect(() => acquireWriterLease(b, clock, { path, pid: 1 })).toThrow(new RegExp(`in use by another Klaxon \\(pid ${process.pid} on `));
    expect(first.heartbeat()).toBe(true);
    first.release();
    const second = acquireWriterLease(b, clock, { path, pid: 1 });
    expect(first.heartbeat()).toBe(false);
    second.release();
    closeDb(a);
    closeDb(b);
  });

  it('a second `klaxon start` on a running one\'s database exits 1 with one line; SIGTERM to `npm start` leaves no orphan', async () => {
    // `npm start` compiles first (prestart): on a busy machine that alone can take a minute or two.
    dir = mkdtempSync(join(tmpdir(), 'klaxon-lease-'));
    const db = join(dir, 'k.db');
    const npm = spawn('npm', ['start', '--silent'], { env: env(db), stdio: ['pipe', 'pipe', 'pipe'], detached: false });
    children.push(npm);
    let out = '';
    npm.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await until(() => out.includes('Klaxon — incident response bot'), 'the first Klaxon to start', 120_000);
    const pid = await until(() => holderPid(db), 'the lease row', 120_000);
    expect(pid).not.toBe(npm.pid);

    const second = spawnSync(process.execPath, ['bin/klaxon.js', 'start'], { env: env(db), input: '', encoding: 'utf8', timeout: 60_000 });
    const lines = second.stderr.trim().split('\n');
    console.log(`[faults] second process on the same database: exit ${second.status}, "${lines[0]}"`);
    expect(second.status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`k\\.db is in use by another Klaxon \\(pid ${pid} on .*\\): stop it first`));

    npm.kill('SIGTERM');
    await until(() => !alive(pid), 'Klaxon to stop after SIGTERM to npm', 20_000);
    expect(alive(pid)).toBe(false);
  }, 300_000);
});
