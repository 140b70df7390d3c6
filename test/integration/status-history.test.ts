// The status page keeps the public incidents resolved on ended days between rebuilds
// (http/status/public-history.ts). Whatever it kept, the model must equal the definition: every
// incident open or resolved since the strip's first day that the visibility rule lets out now,
// and the 90-day strip drawn from exactly those. Checked on random histories, on both stores, as
// incidents resolve, new ones arrive, the days roll over and a kept day changes behind its back.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadPolicy, type Policy } from '../../src/config/policy/index.js';
import { parseDuration } from '../../src/domain/duration.js';
import { dayBars, historyStart } from '../../src/http/status/days.js';
import { loadStatus, RESOLVED_SHOWN, type StatusModel } from '../../src/http/status/model.js';
import { PublicHistory } from '../../src/http/status/public-history.js';
import { isPubliclyVisible } from '../../src/service/visibility.js';
import { severityRank } from '../../src/config/policy/index.js';
import { eachTurn } from '../../src/store/settled-blocks.js';
import type { Db } from '../../src/store/db.js';
import { incidents } from '../../src/store/tables.js';
import { openTestDb } from '../helpers/store.js';

const DAY = 86400_000;
const HOUR = 3600_000;
const NOW = Date.parse('2026-03-27T15:00:00Z');

type Fact = { id: number; severity: string; declaredAt: number; resolvedAt: number | null };

function prng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Severities with their own publish_after, wall and business time, in a zone that changes its clocks in the window. */
function policyFor(zone: string): Policy {
  const base = loadPolicy('examples/policies/default.yaml');
  const own: Record<string, string> = { sev1: '5m', sev2: '2 business hours' };
  return {
    ...base,
    timezone: zone,
    severities: base.severities.map((s) => ({ ...s, publish_after: own[s.id] ? parseDuration(own[s.id])! : s.publish_after })),
  };
}

/** Incidents declared over the last `days` days, in id order as the service declares them; a few still open. */
function history(r: () => number, from: number, n: number, days: number, now: number): Fact[] {
  const sevs = ['sev1', 'sev2', 'sev3', 'sev4'];
  return Array.from({ length: n }, () => now - days * DAY + Math.floor(r() * days * DAY))
    .sort((a, b) => a - b)
    .map((declaredAt, i) => {
      // Lengths from a minute (never public) to three days (spans several bars).
      const length = Math.floor(r() ** 3 * 3 * DAY) + 60_000;
      const open = declaredAt + length > now || r() < 0.02;
      return { id: from + i, severity: sevs[Math.floor(r() * sevs.length)], declaredAt, resolvedAt: open ? null : declaredAt + length };
    });
}

async function write(db: Db, facts: Fact[]): Promise<void> {
  for (let i = 0; i < facts.length; i += 100) {
    await db.insert(incidents).values(
      facts.slice(i, i + 100).map((f) => ({
        id: f.id,
        title: `Incident ${f.id}`,
        severity: f.severity,
        status: f.resolvedAt === null ? ('investigating' as const) : ('resolved' as const),
        declaredAt: new Date(f.declaredAt),
        declaredBy: 'alice',
        lastUpdateAt: new Date(f.resolvedAt ?? f.declaredAt),
        resolvedAt: f.resolvedAt === null ? null : new Date(f.resolvedAt),
      })),
    );
  }
}

async function resolve(db: Db, f: Fact, at: number): Promise<void> {
  f.resolvedAt = at;
  await db.update(incidents).set({ status: 'resolved', resolvedAt: new Date(at), lastUpdateAt: new Date(at) }).where(eq(incidents.id, f.id));
}

/** The definition, from the facts alone: what the page shows and how the strip is drawn. */
function expected(policy: Policy, facts: Fact[], now: number) {
  const from = historyStart(new Date(now), policy.timezone).getTime();
  const shown = facts
    .map((f) => ({ ...f, declared: new Date(f.declaredAt), resolved: f.resolvedAt === null ? null : new Date(f.resolvedAt) }))
    .filter((f) => f.resolvedAt === null || f.resolvedAt >= from)
    .filter((f) => isPubliclyVisible(policy, { severity: f.severity, declaredAt: f.declared, resolvedAt: f.resolved }, new Date(now)));
  const days = dayBars(
    shown.map((f) => ({ number: f.id, severityRank: severityRank(policy, f.severity), declaredAt: f.declared, resolvedAt: f.resolved })),
    new Date(now),
    policy.timezone,
  );
  const resolved = shown.filter((f) => f.resolvedAt !== null).sort((a, b) => b.resolvedAt! - a.resolvedAt! || a.id - b.id);
  return {
    days: days.map((d) => [d.date, d.worstRank, d.incidents]),
    open: shown.filter((f) => f.resolvedAt === null).map((f) => f.id).sort((a, b) => a - b),
    resolved: resolved.slice(0, RESOLVED_SHOWN).map((f) => f.id),
  };
}

const seen = (m: StatusModel) => ({
  days: m.days.map((d) => [d.date, d.worstRank, d.incidents]),
  open: m.open.map((i) => i.number).sort((a, b) => a - b),
  resolved: m.resolved.map((i) => i.number),
});

describe('the status page history kept between rebuilds', () => {
  for (const [zone, seed] of [
    ['Europe/London', 3],
    ['America/New_York', 8],
    ['Australia/Lord_Howe', 21],
  ] as const) {
    it(`equals the definition on a random history as it changes (${zone})`, async () => {
      const r = prng(seed);
      const db = openTestDb();
      const policy = policyFor(zone);
      let now = NOW;
      const facts = history(r, 1, 700, 100, now);
      await write(db, facts);
      const kept = new PublicHistory();
      const check = async () => {
        const m = await loadStatus(db, policy, new Date(now), kept, eachTurn);
        const want = expected(policy, facts, now);
        expect(seen(m)).toEqual(want);
        // A fresh read agrees too (nothing kept).
        expect(seen(await loadStatus(db, policy, new Date(now)))).toEqual(want);
        return m;
      };
      const first = await check();
      // The history is really there: most days have a public incident, and ended days are kept.
      expect(first.days.filter((d) => d.worstRank !== null).length).toBeGreaterThan(60);
      expect(kept.keptDays).toBeGreaterThan(80);

      // Open incidents resolve and new ones arrive, over four days and across the clock change.
      for (let step = 0; step < 8; step++) {
        now += 12 * HOUR + Math.floor(r() * HOUR);
        for (const f of facts.filter((f) => f.resolvedAt === null && f.declaredAt < now && r() < 0.5)) await resolve(db, f, now);
        const more = history(r, facts.length + 1, 20, 0.5, now);
        facts.push(...more);
        await write(db, more);
        await check();
      }

      // A kept day changes without this process writing it (an import into a running Klaxon, a
      // clock set back): an incident resolved two days ago, long enough to be public, appears.
      const late: Fact = { id: facts.length + 1, severity: 'sev1', declaredAt: now - 2 * DAY - 3 * HOUR, resolvedAt: now - 2 * DAY };
      facts.push(late);
      await write(db, [late]);
      const after = await check();
      expect(after.days.some((d) => d.incidents.includes(late.id))).toBe(true);
    });
  }
});
