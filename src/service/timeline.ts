import { asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../store/db.js';
import { prepared } from '../store/prepared.js';
import { timelineEvents } from '../store/tables.js';
import type { Ctx } from './context.js';

export type TimelineEvent = typeof timelineEvents.$inferSelect;

/**
 * `shown` makes the event public on the status page with that customer-facing wording; `severity`
 * records the incident's severity at that moment for counts that must not move later (metrics).
 */
export async function addTimeline(ctx: Ctx, incidentId: number, kind: string, actor: string | null, text: string, shown?: { text: string; status?: string }, severity?: string): Promise<void> {
  await insertEvent(ctx.tx).execute({ incidentId, at: ctx.now, kind, actor, text, public: !!shown, publicText: shown?.text ?? null, status: shown?.status ?? null, severity: severity ?? null });
}

const insertEvent = prepared((tx) =>
  tx
    .insert(timelineEvents)
    .values({
      incidentId: sql.placeholder('incidentId'),
      at: sql.placeholder('at'),
      kind: sql.placeholder('kind'),
      actor: sql.placeholder('actor'),
      text: sql.placeholder('text'),
      public: sql.placeholder('public'),
      publicText: sql.placeholder('publicText'),
      status: sql.placeholder('status'),
      severity: sql.placeholder('severity'),
    })
    .prepare(),
);

export async function timelineOf(tx: Tx | Db, incidentId: number): Promise<TimelineEvent[]> {
  return (await tx.select().from(timelineEvents).where(eq(timelineEvents.incidentId, incidentId)).orderBy(asc(timelineEvents.at), asc(timelineEvents.id)));
}
