// A long history: more incidents than SQLite binds parameters in one statement (32,766), and the
// SQL aggregation of `stats` checked against the pure definition in domain/stats.ts.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/duration.js';
import { computeStats, computeTotal, type IncidentFacts } from '../../src/domain/stats.js';
import { loadStatus, RESOLVED_SHOWN } from '../../src/http/status/model.js';
import { rolesFor } from '../../src/service/incident-view.js';
import { StatsHistory, statsReport } from '../../src/service/stats-report.js';
import type { Db } from '../../src/store/db.js';
import { harness } from '../helpers/harness.js';

const DAY = 86400_000;
const NOW = Date.parse('2026-03-04T10:00:00Z');

/** A deterministic pseudo-random sequence, so a failure reproduces. */
function prng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Writes incidents straight into the tables (the service would take minutes for 33k). */
function write(db: Db, facts: (IncidentFacts & { id: number })[]): void {
  const c = db.$client;
  const inc = c.prepare(
    "insert into incidents (id, title, severity, status, declared_at, declared_by, last_update_at, acknowledged_at, mitigated_at, resolved_at, targets_missed, postmortem_due_at, postmortem_done_at) values (?, ?, ?, ?, ?, 'alice', ?, ?, ?, ?, ?, ?, ?)",
  );
  const ev = c.prepare("insert into timeline_events (incident_id, at, kind, actor, text, public, public_text, status) values (?, ?, ?, 'klaxon', ?, ?, ?, ?)");
  const role = c.prepare("insert into role_assignments (incident_id, role, person, assigned_at) values (?, 'commander', 'alice', ?)");
  const ms = (d: Date | null) => d?.getTime() ?? null;
  c.transaction(() => {
    for (const f of facts) {
      const d = f.declaredAt.getTime();
      inc.run(f.id, `Incident ${f.id}`, f.severity, f.resolvedAt ? 'resolved' : 'investigating', d, d, ms(f.acknowledgedAt), ms(f.mitigatedAt ?? null), ms(f.resolvedAt), f.targetsMissed, ms(f.postmortemDueAt), ms(f.postmortemDoneAt));
      role.run(f.id, d);
      ev.run(f.id, d, 'declared', `Declared #${f.id}`, 1, 'Investigating', 'investigating');
      for (const role of f.missedRoles ?? []) ev.run(f.id, d + 120_000, `role_missed:${role}`, `Nobody was ${role}`, 0, null, null);
      for (const t of f.missedTargets ?? []) ev.run(f.id, d + 60_000, `target_missed:${t}`, `Missed ${t}`, 0, null, null);
      if (f.resolvedAt) ev.run(f.id, f.resolvedAt.getTime(), 'resolved', 'Resolved', 1, 'Fixed', 'resolved');
    }
  })();
}

function randomFacts(n: number, spanDays: number, seed: number): (IncidentFacts & { id: number })[] {
  const r = prng(seed);
  const sevs = ['sev1', 'sev2', 'sev3', 'sev0-retired'];
  return Array.from({ length: n }, (_, i) => {
    const declared = NOW - Math.floor(r() * spanDays * DAY);
    const pick = <T>(p: number, v: () => T) => (r() < p ? v() : null);
    const missed = ['acknowledge', 'mitigate', 'resolve'].filter(() => r() < 0.2);
    const due = pick(0.4, () => new Date(declared + Math.floor(r() * 10 * DAY)));
    return {
      id: i + 1,
      severity: sevs[Math.floor(r() * sevs.length)],
      declaredAt: new Date(declared),
      acknowledgedAt: pick(0.7, () => new Date(declared + Math.floor(r() * 3600_000))),
      mitigatedAt: pick(0.6, () => new Date(declared + Math.floor(r() * 7200_000))),
      resolvedAt: pick(0.8, () => new Date(declared + Math.floor(r() * DAY))),
      targetsMissed: missed.length,
      missedTargets: missed,
      missedRoles: ['scribe', 'comms'].filter(() => r() < 0.15),
      postmortemDueAt: due,
      postmortemDoneAt: due ? pick(0.6, () => new Date(due.getTime() + Math.floor((r() - 0.5) * 4 * DAY))) : null,
    };
  });
}

describe('stats aggregated in SQL', () => {
  it('agrees with the pure definition on a random history, per severity and in total', async () => {
    const h = harness({ start: new Date(NOW).toISOString() });
    const facts = randomFacts(600, 60, 7);
    write(h.db, facts);
    const window = parseDuration('30d') as Extract<ReturnType<typeof parseDuration>, { kind: 'wall' }>;
    const r = await statsReport(h.db, h.policy, new Date(NOW), window);
    const from = new Date(NOW - window.ms);
    const to = new Date(NOW + 1);
    const order = h.policy.severities.map((s) => s.id);
    const round = (s: object) => JSON.parse(JSON.stringify(s, (_k, v) => (typeof v === 'number' ? Math.round(v) : v)));
    expect(round(r.rows)).toEqual(round(computeStats(facts, order, from, to, new Date(NOW))));
    expect(round(r.total)).toEqual(round(computeTotal(facts, from, to, new Date(NOW))));
    // The window really cut the history: some incidents are outside it.
    expect(r.total.incidents).toBeGreaterThan(100);
    expect(r.total.incidents).toBeLessThan(600);
  });
});

describe('stats kept per block of settled incidents', () => {
  it('agree with the pure definition as open incidents resolve, postmortems are done and new incidents arrive', async () => {
    const h = harness({ start: new Date(NOW).toISOString() });
    // Declared in id order, as the service declares them, so blocks of ids are spans of time.
    const facts = randomFacts(300, 60, 5)
      .sort((a, b) => a.declaredAt.getTime() - b.declaredAt.getTime())
      // Only the last twenty days hold open incidents, as in a real history.
      .map((f, i) => ({ ...f, id: i + 1, resolvedAt: f.resolvedAt ?? (f.declaredAt.getTime() < NOW - 20 * DAY ? new Date(f.declaredAt.getTime() + DAY) : null) }));
    write(h.db, facts.slice(0, 250));
    const history = new StatsHistory(16);
    const order = h.policy.severities.map((s) => s.id);
    const round = (s: object) => JSON.parse(JSON.stringify(s, (_k, v) => (typeof v === 'number' ? Math.round(v) : v)));
    const check = async (days: number, known: typeof facts) => {
      const window = parseDuration(`${days}d`) as Extract<ReturnType<typeof parseDuration>, { kind: 'wall' }>;
      const r = await statsReport(h.db, h.policy, new Date(NOW), window, history);
      const from = new Date(NOW - window.ms);
      const to = new Date(NOW + 1);
      expect(round(r.rows)).toEqual(round(computeStats(known, order, from, to, new Date(NOW))));
      expect(round(r.total)).toEqual(round(computeTotal(known, from, to, new Date(NOW))));
    };
    await check(365, facts.slice(0, 250));
    await check(30, facts.slice(0, 250));
    expect(history.keptBlocks).toBeGreaterThan(3);

    // Every open incident is resolved and acknowledged (the block it is in changes), a postmortem
    // in a kept block is done late, and 50 more incidents arrive in the block still filling.
    const c = h.db.$client;
    const later = facts.map((f) => ({ ...f }));
    for (const f of later.slice(0, 250)) {
      if (f.resolvedAt) continue;
      f.resolvedAt = new Date(f.declaredAt.getTime() + 3 * 3600_000);
      f.acknowledgedAt ??= new Date(f.declaredAt.getTime() + 60_000);
      c.prepare("update incidents set status = 'resolved', resolved_at = ?, acknowledged_at = ? where id = ?").run(f.resolvedAt.getTime(), f.acknowledgedAt.getTime(), f.id);
    }
    const pm = later.find((f) => f.id < 100 && f.resolvedAt && f.postmortemDueAt && !f.postmortemDoneAt)!;
    pm.postmortemDoneAt = new Date(pm.postmortemDueAt!.getTime() + 3600_000);
    c.prepare('update incidents set postmortem_done_at = ? where id = ?').run(pm.postmortemDoneAt.getTime(), pm.id);
    write(h.db, later.slice(250));
    await check(365, later);
    await check(30, later);
    await check(7, later);
  });
});

describe('stats kept per block, each read a part at a time', () => {
  it('agree with the pure definition for windows that cut through blocks', async () => {
    const h = harness({ start: new Date(NOW).toISOString() });
    // Every incident resolved, declared in id order: blocks of 512 ids are settled and read as four parts of 128.
    const facts = randomFacts(700, 60, 13)
      .sort((a, b) => a.declaredAt.getTime() - b.declaredAt.getTime())
      .map((f, i) => ({ ...f, id: i + 1, resolvedAt: f.resolvedAt ?? new Date(f.declaredAt.getTime() + DAY) }));
    write(h.db, facts);
    const history = new StatsHistory(512);
    const order = h.policy.severities.map((s) => s.id);
    const round = (s: object) => JSON.parse(JSON.stringify(s, (_k, v) => (typeof v === 'number' ? Math.round(v) : v)));
    for (const days of [365, 45, 30, 7]) {
      const window = parseDuration(`${days}d`) as Extract<ReturnType<typeof parseDuration>, { kind: 'wall' }>;
      const r = await statsReport(h.db, h.policy, new Date(NOW), window, history);
      const from = new Date(NOW - window.ms);
      const to = new Date(NOW + 1);
      expect(round(r.rows)).toEqual(round(computeStats(facts, order, from, to, new Date(NOW))));
      expect(round(r.total)).toEqual(round(computeTotal(facts, from, to, new Date(NOW))));
    }
    expect(history.keptBlocks).toBe(1);
  });
});

describe('more incidents than SQLite binds in one statement', () => {
  const N = 33_000;
  const h = harness({ start: new Date(NOW).toISOString() });
  write(h.db, randomFacts(N, 300, 11));

  it('`stats 365d` counts every one of them', async () => {
    const reply = await h.run('alice', 'stats 365d');
    expect(reply.ok, reply.text).toBe(true);
    expect(reply.text).toMatch(new RegExp(`All: ${N} incidents`));
  });

  it('the status page model and the roles of many incidents load', async () => {
    const model = await loadStatus(h.db, h.policy, new Date(NOW));
    // The page lists the newest resolved ones only; its 90-day strip still counts every one.
    expect(model.resolved).toHaveLength(RESOLVED_SHOWN);
    expect(new Set(model.days.flatMap((d) => d.incidents)).size).toBeGreaterThan(RESOLVED_SHOWN * 10);
    const newest = Math.max(...model.resolved.map((i) => i.resolvedAt!.getTime()));
    expect(model.resolved[0].resolvedAt!.getTime()).toBe(newest);
    const ids = Array.from({ length: N }, (_, i) => i + 1);
    const roles = await rolesFor(h.db, ids);
    expect(roles.size).toBe(N);
    expect(roles.get(N)).toEqual({ commander: 'alice' });
  });
});
