// The PostgreSQL migrations the tests apply: the committed migrations/postgres when it exists,
// else ones drizzle-kit generates from src/store/schema-pg.ts into a temporary folder (once per
// test process). The fallback exists because /work/land.sh sets aside new files under migrations/
// and regenerates only SQLite's; until it also regenerates PostgreSQL's, the committed folder
// cannot land, and the tests still apply real drizzle-kit output to a real server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_MIGRATIONS } from '../../src/store/pg.js';

let generated: string | undefined;

export function pgMigrationsFolder(): string {
  if (existsSync(join(PG_MIGRATIONS, 'meta', '_journal.json'))) return PG_MIGRATIONS;
  if (generated) return generated;
  const out = mkdtempSync(join(tmpdir(), 'klaxon-pg-migrations-'));
  const r = spawnSync(process.execPath, ['node_modules/drizzle-kit/bin.cjs', 'generate', '--config', 'drizzle-pg.config.ts', '--name', 'init'], {
    env: { ...process.env, KLAXON_PG_MIGRATIONS_OUT: out },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`drizzle-kit generate for PostgreSQL failed:\n${r.stdout}\n${r.stderr}`);
  generated = out;
  return out;
}
