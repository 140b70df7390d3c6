// Retention: the outbox keeps every delivered message and the timers table every fired or cancelled
// timer, which made them most of the database (~15 MB per 1,000 incidents, never shrinking). Once
// older than KLAXON_RETENTION they are deleted, a bounded slice at a time so the scheduler never
// stalls. Incidents, timelines, pages and roles (the history stats and postmortems read) are kept.
// Messages of open incidents stay: edits, reactions and channel lookups still refer to them.
import type { Db } from './db.js';

/** Rows deleted per statement: a few ms of work, so a backlog is worked off over several steps. */
export const PRUNE_BATCH = 2000;

export type Pruned = { outbox: number; timers: number; events: number };

/** Deletes up to PRUNE_BATCH of each kind of finished row older than `before` (epoch ms). */
export function pruneOnce(db: Db, before: number): Pruned {
  const c = db.$client;
  return c.transaction(() => ({
    outbox: c
      .prepare(
        `delete from outbox where id in (
           select o.id from outbox o left join incidents i on i.id = o.incident_id
           where o.status in ('sent', 'skipped') and o.created_at < ? and (i.id is null or i.status = 'resolved')
             and o.id not in (select edit_of from outbox where status in ('pending', 'sending', 'failed') and edit_of is not null)
           limit ${PRUNE_BATCH})`,
      )
      .run(before).changes,
    timers: c
      .prepare(`delete from timers where id in (select id from timers where status in ('done', 'cancelled', 'failed') and coalesce(fired_at, created_at) < ? limit ${PRUNE_BATCH})`)
      .run(before).changes,
    // Platform retries come within minutes; a pin's marker stays, so a message is pinned once ever.
    events: c
      .prepare(`delete from processed_events where rowid in (select rowid from processed_events where processed_at < ? and event_id not like 'pin:%' limit ${PRUNE_BATCH})`)
      .run(before).changes,
  }))();
}
