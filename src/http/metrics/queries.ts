// Totals read from the store on each scrape. Pages, notifications and incidents are never deleted,
// so these totals only grow: they are honest Prometheus counters that also survive a restart,
// which counters kept in memory from service events would not.
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { rawRows } from '../../store/raw.js';
import { incidents, pages, timelineEvents } from '../../store/tables.js';
import { lastIncidentId, OPEN_STATUSES, openIncidentIds, type BlockSource } from '../../store/settled-blocks.js';

export type BySeverity = { severity: string; n: number }[];

export async function openBySeverity(db: Db): Promise<BySeverity> {
  return await db
    .select({ severity: incidents.severity, n: sql<number>`count(*)` })
    .from(incidents)
    .where(inArray(incidents.status, OPEN_STATUSES))
    .groupBy(incidents.severity);
}

/** Missed targets by the severity the incident had when each was missed, so the counter never goes down. */
export async function targetsMissedBySeverity(db: Db): Promise<BySeverity> {
  return await db
    .select({ severity: sql<string>`coalesce(${timelineEvents.severity}, ${incidents.severity})`, n: sql<number>`count(*)` })
    .from(timelineEvents)
    .innerJoin(incidents, eq(timelineEvents.incidentId, incidents.id))
    // Written out, not bound, so SQLite can use the partial index timeline_target_missed.
    .where(sql`${timelineEvents.kind} like 'target_missed:%'`)
    .groupBy(sql`1`);
}

/** Incidents, as blocks of ids for SettledBlocks; an unresolved incident's block is summed afresh. */
function incidentBlocks(sum: BlockSource['sum']): BlockSource {
  return {
    lastId: lastIncidentId,
    openIds: openIncidentIds,
    sum,
  };
}

/**
 * Per severity: count, sum (ms) and cumulative bucket counts of `acknowledged_at - declared_at`,
 * then the same for `resolved_at - declared_at`, counted by SQLite: the history never reaches memory.
 */
export function durationBlocks(ackBounds: number[], resolveBounds: number[]): BlockSource {
  const of = (end: string, bounds: number[]) => {
    const d = sql.raw(`(${end} - declared_at)`);
    return sql.join([sql`count(${sql.raw(end)})`, sql`sum(${d})`, ...bounds.map((b) => sql`count(*) filter (where ${d} <= ${b * 1000})`)], sql`, `);
  };
  return incidentBlocks(async (db, first, last) =>
    (await rawRows(db, sql`select severity, ${of('acknowledged_at', ackBounds)}, ${of('resolved_at', resolveBounds)} from incidents where id between ${first} and ${last} group by severity`))
      .map(rowOf),
  );
}

/** Incidents opened by each integration (alerts, missed heartbeats, floods). */
export const alertIncidentBlocks: BlockSource = incidentBlocks(async (db, first, last) =>
  (await rawRows(db, sql`select integration, count(*) from incidents where id between ${first} and ${last} and integration is not null group by integration`))
    .map(rowOf),
);

/**
 * Per severity the page had when it started: pages, pages acknowledged, pages exhausted, and
 * escalation steps (every (tier, cycle) that notified someone, less each page's first step;
 * notification rows are written once per step and person, so this counts steps, not people).
 * Pages of an unresolved incident may still change; resolving cancels every open page.
 */
export const pageBlocks: BlockSource = {
  lastId: async (db) => (await db.select({ n: sql<number>`coalesce(max(${pages.id}), 0)` }).from(pages))[0].n,
  openIds: async (db) =>
    (
      await db
        .select({ id: pages.id })
        .from(incidents)
        .innerJoin(pages, eq(pages.incidentId, incidents.id))
        .where(inArray(incidents.status, OPEN_STATUSES))
    ).map((r) => r.id),
  sum: async (db, first, last) =>
    (await rawRows(db, sql`
        select p.severity, count(*), count(*) filter (where p.status = 'acknowledged'), count(*) filter (where p.status = 'exhausted'), sum(coalesce(s.steps, 0))
        from pages p
        left join (
          select page_id, count(*) - 1 as steps
          from (select distinct page_id, tier, cycle from page_notifications where page_id between ${first} and ${last}) as steps
          group by page_id
        ) s on s.page_id = p.id
        where p.id between ${first} and ${last}
        group by p.severity`))
      .map(rowOf),
};

/** A row of `label, figure, figure, …` as SettledBlocks takes it (a NULL sum over no rows is 0). */
function rowOf([key, ...values]: unknown[]): { key: string; values: number[] } {
  return { key: String(key), values: values.map((v) => Number(v ?? 0)) };
}
