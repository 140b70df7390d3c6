// One scheduler tick firing 100 due nudges while 1k, 10k or 100k other timers wait, on a real WAL
// file. The anchor is the same writes done by hand-written prepared statements in one transaction
// (what the tick could cost if Klaxon's own layers were free), measured in the same run.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { tick } from '../src/scheduler/tick.js';
import { actorFor } from '../src/service/actor.js';
import { FakeClock } from '../src/service/clock.js';
import { Service } from '../src/service/service.js';
import { closeDb, openDb, type Db } from '../src/store/db.js';
import { benchDbPath, median, ratio } from './util.js';

const DUE = 100;
const ROUNDS = 15;
const T0 = Date.parse('2026-03-04T10:00:00Z');

async function setup(pending: number) {
  const path = benchDbPath('tick');
  const db = openDb(path);
  const policy = loadPolicy('examples/policies/default.yaml');
  const clock = new FakeClock(new Date(T0));
  const svc = new Service({ db, policy, clock, platforms: ['console'], log: createLogger('silent') });
  // One open incident per due timer: a nudge is per incident (firing one re-arms that incident's).
  for (let i = 0; i < DUE; i++) await svc.run(actorFor(policy, 'console', 'alice'), `declare sev3 Bench incident ${i}`);
  // Only the nudges fall due in the rounds: the declarations' own target timers are set aside.
  db.$client.prepare("update timers set status = 'cancelled' where status = 'pending' and kind <> 'nudge'").run();
  const filler = db.$client.prepare("insert into timers (kind, due_at, status, incident_id, created_at) values ('postmortem_reminder', ?, 'pending', 1, ?)");
  db.$client.transaction(() => {
    for (let i = 0; i < pending; i++) filler.run(T0 + 86400_000 * 30 + i, T0);
  })();
  return { db, svc, clock, path };
}

/** Arms DUE nudges due just before `now`, as updates left unanswered would. */
function armDue(db: Db, now: number): void {
  const insert = db.$client.prepare("insert into timers (kind, due_at, status, incident_id, created_at) values ('nudge', ?, 'pending', ?, ?)");
  // Each incident's last update is more than its cadence (sev3: 1d) back and it was never nudged
  // since, so every nudge is really due and posts.
  db.$client.prepare('update incidents set last_update_at = ?').run(now - 25 * 3600_000);
  db.$client.prepare("delete from incident_marks where mark = 'nudge'").run();
  db.$client.transaction(() => {
    for (let i = 0; i < DUE; i++) insert.run(now - 1, i + 1, T0);
  })();
}

/** The nudge's reads and writes by hand: claim, read the incident, its last nudge and roles, post, mark, log, re-arm. */
function handWritten(db: Db): (now: number) => number {
  const c = db.$client;
  const due = c.prepare("select id, incident_id from timers where status = 'pending' and due_at <= ? order by due_at, id limit 100");
  const claim = c.prepare("update timers set status = 'done', fired_at = ? where id = ? and status = 'pending'");
  const incident = c.prepare('select * from incidents where id = ?');
  const lastNudge = c.prepare("select at from incident_marks where incident_id = ? and mark = 'nudge'");
  const mark = c.prepare("insert into incident_marks (incident_id, mark, at) values (?, 'nudge', ?) on conflict (incident_id, mark) do update set at = excluded.at");
  const roles = c.prepare('select role, person from role_assignments where incident_id = ?');
  const post = c.prepare("insert into outbox (platform, kind, destination, body, priority, status, attempts, next_attempt_at, created_at, incident_id) values ('console', 'post', 'incident', ?, 2, 'pending', 0, ?, ?, ?)");
  const log = c.prepare("insert into timeline_events (incident_id, at, kind, actor, text, public) values (?, ?, 'nudge', 'klaxon', ?, 0)");
  const cancel = c.prepare("update timers set status = 'cancelled', fired_at = ? where status = 'pending' and incident_id = ? and kind = 'nudge'");
  const arm = c.prepare("insert into timers (kind, due_at, status, incident_id, created_at) values ('nudge', ?, 'pending', ?, ?)");
  return (now) =>
    c.transaction(() => {
      let n = 0;
      for (const t of due.all(now) as { id: number; incident_id: number }[]) {
        if (claim.run(now, t.id).changes !== 1) continue;
        const inc = incident.get(t.incident_id) as { id: number; title: string };
        lastNudge.get(inc.id);
        roles.all(inc.id);
        post.run(JSON.stringify({ text: `Update due on #${inc.id} ${inc.title}`, tone: 'warn' }), now, now, inc.id);
        mark.run(inc.id, now);
        log.run(inc.id, now, `Nudged for a status update`);
        cancel.run(now, inc.id);
        arm.run(now + 3600_000, inc.id, now);
        n++;
      }
      return n;
    })();
}

/** Median milliseconds of a tick that fires exactly DUE timers, Klaxon's and by hand. */
async function measure(pending: number): Promise<{ klaxon: number; hand: number }> {
  const { db, svc, clock, path } = await setup(pending);
  const hand = handWritten(db);
  const outboxRows = db.$client.prepare('select count(*) from outbox').pluck();
  const k: number[] = [];
  const h: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let now = T0 + (2 * r + 1) * 600_000;
    armDue(db, now);
    clock.set(new Date(now));
    const posted = outboxRows.get() as number;
    let t = process.hrtime.bigint();
    const fired = await tick(svc);
    k.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (fired !== DUE) throw new Error(`expected ${DUE} timers to fire, got ${fired}`);
    if ((outboxRows.get() as number) - posted !== DUE) throw new Error(`expected ${DUE} nudges posted, got ${(outboxRows.get() as number) - posted}`);
    now += 600_000;
    armDue(db, now);
    t = process.hrtime.bigint();
    const byHand = hand(now);
    h.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (byHand < DUE) throw new Error(`expected ${DUE} timers by hand, got ${byHand}`);
  }
  closeDb(db);
  rmSync(dirname(path), { recursive: true, force: true });
  return { klaxon: median(k), hand: median(h) };
}

export async function bench(): Promise<string> {
  await measure(0); // warm-up: JIT and page cache
  const rows: { n: number; klaxon: number; hand: number }[] = [];
  for (const n of [1_000, 10_000, 100_000]) rows.push({ n, ...(await measure(n)) });
  return [
    '## Scheduler tick (bench/scheduler.bench.ts)',
    '',
    `One tick firing ${DUE} due nudge timers (one per open incident: claim, read the incident and its last nudge, post in its channel, mark and log it, re-arm; every nudge really posts), on a WAL file, median of ${ROUNDS}. ` +
      'Anchor: the same reads and writes by hand-written prepared statements in one transaction (no savepoints), same database, same run. Goal: ≤ 5 ms and ≤ 1.5× the hand-written batch.',
    '',
    '| other pending timers | Klaxon tick | hand-written | ratio |',
    '|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.n.toLocaleString('en')} | ${r.klaxon.toFixed(2)} ms | ${r.hand.toFixed(2)} ms | ${ratio(r.klaxon, r.hand)} |`),
    '',
  ].join('\n');
}
