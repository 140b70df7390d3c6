// Migrations are append-only: a database built by the released schema (test/fixtures/release-0.1,
// a frozen copy of what 0.1 shipped) opens on today's code with its data kept; and two processes
// migrating one fresh file at the same moment both start, leaving one intact schema.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../src/store/db.js';
import { incidents, leases, timers } from '../../src/store/schema.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('migrations', () => {
  it('a database created by the previous release opens on today\'s code with its data kept', async () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-mig-'));
    const path = join(dir, 'old.db');
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: 'test/fixtures/release-0.1' });
    const at = Date.parse('2026-03-04T10:00:00Z');
    old.prepare(`insert into incidents (title, severity, status, declared_at, declared_by, last_update_at) values ('Checkout down', 'sev1', 'investigating', ?, 'bob', ?)`).run(at, at);
    old.prepare(`insert into timers (kind, due_at, status, incident_id, created_at) values ('nudge', ?, 'pending', 1, ?)`).run(at + 900_000, at);
    old.close();

    const db = openDb(path);
    try {
      expect((await db.select().from(incidents)).map((i) => [i.id, i.title, i.severity, i.status])).toEqual([[1, 'Checkout down', 'sev1', 'investigating']]);
      expect((await db.select().from(timers)).map((t) => [t.kind, t.status, t.dueAt.getTime()])).toEqual([['nudge', 'pending', at + 900_000]]);
      // Tables added since the release exist and work.
      expect((await db.select().from(leases))).toEqual([]);
      expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      closeDb(db);
    }
  });

  it('two processes migrating one fresh file at once both start and leave one intact schema', async () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-mig-'));
    const path = join(dir, 'fresh.db');
    const script = `import { openDb } from './src/store/db.ts'; const db = openDb(${JSON.stringify(path)}); db.$client.close(); console.log('migrated');`;
    const run = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (err += d.toString()));
        c.on('exit', (code) => resolve({ code, out, err }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    const db = new Database(path);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const applied = db.prepare('select hash from __drizzle_migrations').all() as { hash: string }[];
      expect(new Set(applied.map((r) => r.hash)).size).toBe(applied.length);
      expect(db.prepare(`select count(*) n from sqlite_master where type = 'table' and name = 'incidents'`).get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  }, 60_000);
});
