// A page carries its plan: the tiers, timeouts, conditions and repeat count are copied onto it
// when it starts, so a team can fix its policy during an incident. The edit applies to new pages.
// And the incident's control state (nudged, target missed, auto-escalated) lives in incident_marks,
// which databases from before marks existed get from their timeline on opening.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { tick } from '../../src/scheduler/tick.js';
import { FakeClock } from '../../src/service/clock.js';
import { policyDrift } from '../../src/service/policy-drift.js';
import { Service } from '../../src/service/service.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { incidentMarks, pageNotifications, pages, timelineEvents } from '../../src/store/tables.js';
import { harness, MINUTE } from '../helpers/harness.js';

// 2026-03-04 is a Wednesday: carol is primary, alice secondary, erin the manager (default policy).
const T0 = '2026-03-04T10:00:00Z';
const DEFAULT = readFileSync('examples/policies/default.yaml', 'utf8');
// The team renames its escalation policy and makes tier 1 wait an hour, mid-incident.
const EDITED = DEFAULT.replace(/^ {2}default:$/m, '  main:').replace(/page: default/g, 'page: main').replace('{ targets: [schedule:primary], ack_timeout: 15m }', '{ targets: [schedule:primary], ack_timeout: 1h }');

const notified = async (db: ReturnType<typeof harness>['db']) =>
  (await db.select().from(pageNotifications).orderBy(asc(pageNotifications.id))).map((n) => `${n.person}@${n.tier + 1}/p${n.pageId}`);

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('a page carries its plan', () => {
  it('a page under way keeps escalating by the plan it started with; a new page follows the edited policy', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    expect(await notified(h.db)).toEqual(['carol@1/p1']);

    const edited = parsePolicy(EDITED);
    expect(await policyDrift(h.db, edited)).toEqual([]);
    const svc = new Service({ db: h.db, policy: edited, clock: h.clock, platforms: ['console'], log: createLogger('silent') });
    h.clock.set(new Date(Date.parse(T0) + 15 * MINUTE));
    await tick(svc);
    // The old plan: tier 2 after 15 minutes, although the edited policy has no "default" any more.
    expect(await notified(h.db)).toEqual(['carol@1/p1', 'alice@2/p1']);
    expect((await h.db.select().from(pages).where(eq(pages.id, 1)))[0]).toMatchObject({ status: 'open', policy: 'default' });

    expect((await svc.run({ ...h.as('bob') }, 'page #1 main')).ok).toBe(true);
    h.clock.set(new Date(Date.parse(T0) + 30 * MINUTE));
    await tick(svc);
    // The new page waits its hour on tier 1; the old one reached tier 3 on its own schedule.
    expect(await notified(h.db)).toEqual(['carol@1/p1', 'alice@2/p1', 'carol@1/p2', 'erin@3/p1']);
    h.clock.set(new Date(Date.parse(T0) + 75 * MINUTE));
    await tick(svc);
    expect((await notified(h.db)).filter((n) => n.endsWith('/p2'))).toEqual(['carol@1/p2', 'alice@2/p2']);
  });

  it('start-up still refuses a policy that dropped a severity an open incident has', async () => {
    const h = harness({ start: T0 });
    await h.run('bob', 'declare sev1 Checkout down');
    const noSev1 = parsePolicy(DEFAULT.replace(/^ {2}- id: sev1$/m, '  - id: sev0'));
    expect(await policyDrift(h.db, noSev1)).toEqual(['severity "sev1" is used by open incident #1']);
  });
});

describe('control state from older databases', () => {
  it('opening a database whose timeline says a target was missed and a nudge was posted carries both over once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-marks-'));
    const path = join(dir, 'k.db');
    const policy = parsePolicy(DEFAULT);
    const clock = new FakeClock(T0);
    let db = openDb(path);
    let svc = new Service({ db, policy, clock, platforms: ['console'], log: createLogger('silent') });
    await svc.run({ id: 'bob', name: 'Bob', platform: 'console' }, 'declare sev1 Checkout down');
    await svc.run({ id: 'carol', name: 'Carol', platform: 'console' }, 'ack');
    clock.set(new Date(Date.parse(T0) + 5 * 3_600_000));
    await tick(svc);
    const missed = async () => (await db.select().from(timelineEvents).where(eq(timelineEvents.kind, 'target_missed:resolve'))).length;
    expect(await missed()).toBe(1);
    const marks = async () => (await db.select().from(incidentMarks)).map((m) => m.mark).sort();
    expect(await marks()).toEqual(['nudge', 'target_missed:resolve']);
    // As a database from before incident_marks: the state is only on the timeline.
    await db.delete(incidentMarks);
    closeDb(db);

    db = openDb(path);
    expect(await marks()).toEqual(['nudge', 'target_missed:resolve']);
    svc = new Service({ db, policy, clock, platforms: ['console'], log: createLogger('silent') });
    // A severity change re-arms the targets: the resolve target, already missed, is not posted again.
    await svc.run({ id: 'bob', name: 'Bob', platform: 'console' }, 'severity #1 sev2');
    await svc.run({ id: 'bob', name: 'Bob', platform: 'console' }, 'severity #1 sev1');
    clock.set(new Date(Date.parse(T0) + 6 * 3_600_000));
    await tick(svc);
    expect(await missed()).toBe(1);
    closeDb(db);
  });
});
