import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDb, closeDb } from '../../src/store/db.js';
import { outbox, pageNotifications, pages } from '../../src/store/schema.js';
import { jsonLines } from '../helpers/json-lines.js';

type Line = { op: string; channel?: string; text?: string; pid?: number };

function startBot(env: Record<string, string>): { child: ChildProcess; lines: Line[]; waitFor: (p: (l: Line[]) => boolean, ms?: number) => Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/fixtures/accelerated-bot.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = jsonLines<Line>(child.stdout!);
  const waitFor = (p: (l: Line[]) => boolean, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (p(lines)) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > ms || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`timed out; saw ${JSON.stringify(lines)}`));
        }
      }, 20);
    });
  return { child, lines, waitFor };
}

const paged = (l: Line[], who: string) => l.some((x) => x.op === 'post' && x.channel === `dm:${who}` && x.text?.includes('you are paged'));

describe('crash safety (a real process on a real database file)', () => {
  it('SIGKILL mid-escalation: after a restart each step is notified exactly once and late steps say so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-crash-'));
    // 1 real second = 10 simulated minutes: tier 2 at +15m is 1.5 s in, tier 3 at +30m is 3 s in.
    const env = { KLAXON_DB: join(dir, 'k.db'), PLATFORM_LOG: join(dir, 'platform.jsonl'), CLOCK_T0: '2026-03-04T10:00:00Z', CLOCK_REAL0: String(Date.now()), CLOCK_FACTOR: '600' };
    const first = startBot({ ...env, DECLARE: 'declare sev1 Checkout down' });
    await first.waitFor((l) => paged(l, 'alice')); // tier 2 reached
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // Down long enough for tier 3 (+30m) to fall due while nobody was running.
    await new Promise((r) => setTimeout(r, 2000));
    const second = startBot(env);
    await second.waitFor((l) => paged(l, 'erin'));
    // Let the restarted process run past the second round's tier 1 (+60m) too.
    await second.waitFor((l) => l.some((x) => x.op === 'post' && x.channel === 'dm:carol' && x.text?.includes('round 2')), 20_000);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    const db = openDb(env.KLAXON_DB);
    try {
      const notes = db.select().from(pageNotifications).orderBy(asc(pageNotifications.id)).all().map((n) => `${n.person}@${n.tier + 1}/${n.cycle}`);
      // Each step once, in order, across both processes.
      expect(notes.slice(0, 4)).toEqual(['carol@1/0', 'alice@2/0', 'erin@3/0', 'carol@1/1']);
      expect(new Set(notes).size).toBe(notes.length);
      const dmRows = db.select().from(outbox).all().filter((r) => r.destination.startsWith('dm:') && r.pageId !== null);
      expect(dmRows.length).toBe(notes.length);
      expect(db.select().from(pages).get()!.status).toBe('open');
    } finally {
      closeDb(db);
    }
    // The step that fell due while the bot was down was announced as late by the restarted process.
    const erin = second.lines.find((x) => x.op === 'post' && x.channel === 'dm:erin')!;
    // How late depends on how long the restart took on this machine: any duration, with its unit.
    expect(erin.text).toMatch(/late by \d+[dhms]( \d+[dhms])*: Klaxon was not running/);
    // Nothing the first process delivered was delivered again by the second.
    const firstDelivered = first.lines.filter((x) => x.op === 'post').map((x) => `${x.channel}|${x.text}`);
    const secondDelivered = second.lines.filter((x) => x.op === 'post').map((x) => `${x.channel}|${x.text}`);
    expect(secondDelivered.filter((x) => firstDelivered.includes(x)), JSON.stringify({ firstDelivered, secondDelivered }, null, 1)).toEqual([]);
  }, 60_000);
});
