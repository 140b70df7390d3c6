// The leader's fencing condition, apart from leader.ts so that code which only claims rows (the
// scheduler, the dispatcher) does not load the PostgreSQL driver on SQLite.
import { type Placeholder, sql, type SQL } from 'drizzle-orm';

/** The advisory lock key pair ('KLX!', 1): advisory locks are per database, so one key serves every deployment. */
export const LEADER_LOCK = [0x4b4c5821, 1] as const;

/**
 * True only while the session `token` names still holds the leader lock in this database. Add it to
 * the WHERE of a claim (`update … where id in (… for update skip locked) and ${leaderFence(t)}`):
 * a replica that lost the lead claims nothing, whether or not it knows yet.
 */
export function leaderFence(token: number | Placeholder): SQL {
  return sql`exists (select 1 from pg_locks where locktype = 'advisory' and granted
    and database = (select oid from pg_database where datname = current_database())
    and classid = ${LEADER_LOCK[0]} and objid = ${LEADER_LOCK[1]} and objsubid = 2 and pid = ${token})`;
}

