// A full disk (SQLITE_FULL) while escalation is running: no step throws, no timer is set aside, a
// declaration fails as a whole and changes nothing, and once there is space again the
// tier that fell due fires once. The disk is "full" by capping the database at its current size
// (PRAGMA max_page_count) on Klaxon's own connection; its pages are small (512 bytes), so every
// step that writes rows needs a new page and hits the cap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tick } from '../../src/scheduler/tick.js';
import { closeDb } from '../../src/store/db.js';
import { incidents, outbox, pageNotifications, timers } from '../../src/store/schema.js';
import { harness, MINUTE } from '../helpers/harness.js';

const T0 = '2026-03-04T10:00:00Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms);

let dir: string | undefined;
let h: ReturnType<typeof harness> | undefined;
afterEach(() => {
  if (h) closeDb(h.db);
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = dir = undefined;
});

function onSmallPages() {
  dir = mkdtempSync(join(tmpdir(), 'klaxon-full-'));
  const path = join(dir, 'klaxon.db');
  // The page size is fixed when the file gets its header (switching to WAL writes it).
  const pre = new Database(path);
  pre.pragma('page_size = 512');
  pre.pragma('journal_mode = WAL');
  pre.close();
  return (h = harness({ start: T0, dbPath: path }));
}

/** The disk fills up: the database cannot grow past its current size. */
function diskFull(hh: ReturnType<typeof harness>) {
  const pages = hh.db.$client.pragma('page_count', { simple: true }) as number;
  hh.db.$client.pragma(`max_page_count = ${pages}`);
  return () => hh.db.$client.pragma('max_page_count = 1073741823');
}

const notified = (hh: ReturnType<typeof harness>) => hh.db.select().from(pageNotifications).orderBy(asc(pageNotifications.id)).all().map((n) => n.person);

describe('a full disk', () => {
  it('a tier falling due while the disk is full waits, and fires once when there is space again; a declaration meanwhile fails and changes nothing', () => {
    const hh = onSmallPages();
    expect(hh.run('bob', 'declare sev1 Checkout down').ok).toBe(true);
    const rows = hh.db.select().from(outbox).all().length;
    const space = diskFull(hh);

    let steps = 0;
    for (let t = 15 * MINUTE; t <= 15 * MINUTE + 20_000; t += 1000, steps++) {
      hh.clock.set(at(t));
      expect(() => tick(hh.svc)).not.toThrow();
    }
    expect(hh.db.select().from(timers).where(eq(timers.kind, 'escalate')).all().map((t) => t.status)).toEqual(['pending']);
    expect(notified(hh)).toEqual(['carol']);
    // The command fails as a whole (each adapter answers "could not run that command" and logs
    // this error); its transaction is rolled back.
    expect(() => hh.run('alice', 'declare sev2 Search slow')).toThrow(/database or disk is full/);
    expect(hh.db.select().from(incidents).all()).toHaveLength(1);
    expect(hh.db.select().from(outbox).all()).toHaveLength(rows);

    space();
    hh.clock.set(at(15 * MINUTE + 21_000));
    tick(hh.svc);
    tick(hh.svc);
    console.log(`[faults] disk full for 20 s as tier 2 fell due: ${steps} steps, none threw; a declaration meanwhile failed whole; after space came back paged ${notified(hh).join(', ')}`);
    expect(notified(hh)).toEqual(['carol', 'alice']);
    expect(hh.db.select().from(timers).where(eq(timers.status, 'failed')).all()).toEqual([]);
    expect(hh.db.select().from(outbox).where(eq(outbox.destination, 'dm:alice')).all()).toHaveLength(1);
  });
});
