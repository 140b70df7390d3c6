// Retention: the outbox keeps every delivered message and the timers table every fired or cancelled
// timer, which made them most of the database (~15 MB per 1,000 incidents, never shrinking). Once
// older than KLAXON_RETENTION they are deleted, a bounded slice at a time so the scheduler never
// stalls. Incidents, timelines, pages and roles (the history stats and postmortems read) are kept.
// Messages of open incidents stay: edits, reactions and channel lookups still refer to them.
import { sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { rawRun } from './raw.js';
import { transaction } from './transaction.js';

/** Rows deleted per statement: a few ms of work, so a backlog is worked off over several steps. */
export const PRUNE_BATCH = 2000;

export type Pruned = { outbox: number; timers: number; events: number };

/** Deletes up to PRUNE_BATCH of each kind of finished row older than `before` (epoch ms), in one transaction. */
export async function pruneOnce(db: Db, before: number): Promise<Pruned> {
  return await transaction(db, async (tx) => ({
    outbox: await rawRun(
      tx,
      sql`delete from outbox where id in (
           select o.id from outbox o left join incidents i on i.id = o.incident_id
           where o.status in ('sent', 'skipped') and o.created_at < ${before} and (i.id is null or i.status = 'resolved')
             and o.id not in (select edit_of from outbox where status in ('pending', 'sending', 'failed') and edit_of is not null)
           limit ${sql.raw(String(PRUNE_BATCH))})`,
    ),
    timers: await rawRun(
      tx,
      sql`delete from timers where id in (select id from timers where status in ('done', 'cancelled', 'failed') and coalesce(fired_at, created_at) < ${before} limit ${sql.raw(String(PRUNE_BATCH))})`,
    ),
    // Platform retries come within minutes; a pin's marker stays, so a message is pinned once ever.
    events: await rawRun(
      tx,
      sql`delete from processed_events where (platform, event_id) in (select platform, event_id from processed_events where processed_at < ${before} and event_id not like 'pin:%' limit ${sql.raw(String(PRUNE_BATCH))})`,
    ),
  }));
}
