// Totals read from SQLite on each scrape. Pages, notifications and incidents are never deleted,
// so these totals only grow: they are honest Prometheus counters that also survive a restart,
// which counters kept in memory from service events would not.
import { eq, like, ne, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { incidents, pages, timelineEvents } from '../../store/schema.js';

export type BySeverity = { severity: string; n: number }[];

export async function openBySeverity(db: Db): Promise<BySeverity> {
  return (await db
    .select({ severity: incidents.severity, n: sql<number>`count(*)` })
    .from(incidents)
    .where(ne(incidents.status, 'resolved'))
    .groupBy(incidents.severity));
}

/**
 * Pages started, optionally only those that ended in one status, by the severity the incident had
 * when each page started: a later severity change must not move counts between labels, or these
 * counters would go down.
 */
export async function pagesBySeverity(db: Db, status?: 'acknowledged' | 'exhausted'): Promise<BySeverity> {
  return (await db
    .select({ severity: pages.severity, n: sql<number>`count(*)` })
    .from(pages)
    .where(status ? eq(pages.status, status) : undefined)
    .groupBy(pages.severity));
}

/**
 * Escalation steps: every (page, tier, cycle) that notified someone, less each page's first step.
 * Notification rows are written once per step and person, so this counts steps, not people.
 */
export async function escalationsBySeverity(db: Db): Promise<BySeverity> {
  return db.all<{ severity: string; n: number }>(sql`
    select p.severity as severity, count(*) - count(distinct s.page_id) as n
    from (select distinct page_id, tier, cycle from page_notifications) s
    join pages p on p.id = s.page_id
    group by p.severity`);
}

/** Missed targets by the severity the incident had when each was missed, so the counter never goes down. */
export async function targetsMissedBySeverity(db: Db): Promise<BySeverity> {
  return (await db
    .select({ severity: sql<string>`coalesce(${timelineEvents.severity}, ${incidents.severity})`, n: sql<number>`count(*)` })
    .from(timelineEvents)
    .innerJoin(incidents, eq(timelineEvents.incidentId, incidents.id))
    .where(like(timelineEvents.kind, 'target_missed:%'))
    .groupBy(sql`1`));
}

/** Cumulative bucket counts, sum and count of one duration per severity, as a histogram exposes them. */
export type DurationBuckets = { severity: string; buckets: number[]; sum: number; count: number }[];

/**
 * A histogram of `end - declared_at` (seconds) over every incident where `end` is set, by severity,
 * counted by SQLite in one pass: the history is never loaded into memory.
 */
export async function durationBuckets(db: Db, end: 'acknowledged_at' | 'resolved_at', upperBounds: number[]): Promise<DurationBuckets> {
  const d = sql.raw(`(${end} - declared_at)`);
  const cols = upperBounds.map((b, i) => sql`, coalesce(sum(${d} <= ${b * 1000}), 0) as ${sql.raw(`b${i}`)}`);
  const rows = db.all<Record<string, number | string>>(sql`
    select severity, count(${sql.raw(end)}) as n, coalesce(sum(${d}), 0) / 1000.0 as total ${sql.join(cols, sql``)}
    from incidents where ${sql.raw(end)} is not null group by severity`);
  return rows.map((r) => ({ severity: String(r.severity), buckets: upperBounds.map((_, i) => Number(r[`b${i}`])), sum: Number(r.total), count: Number(r.n) }));
}
