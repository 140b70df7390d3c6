// How the outbox is doing, for /healthz and /metrics: what waits, what was given up, and the most
// recent errors (including messages still retrying) so an operator sees why at a glance.
import { and, desc, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { outbox } from '../store/tables.js';

export type OutboxFailure = { platform: string; destination: string; error: string };
export type OutboxHealth = { pending: number; failed: number; lastFailures: OutboxFailure[] };

const LAST_FAILURES = 5;

/** Rows per platform and status, for the gauges. */
export async function outboxCounts(db: Db): Promise<{ platform: string; status: string; n: number }[]> {
  return (await db
    .select({ platform: outbox.platform, status: outbox.status, n: sql<number>`count(*)` })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'sending', 'failed']))
    .groupBy(outbox.platform, outbox.status));
}

export async function outboxHealth(db: Db): Promise<OutboxHealth> {
  const counts = await outboxCounts(db);
  // A row in flight is still waiting as far as anyone reading this cares.
  const total = (status: string) => counts.filter((c) => c.status === status || (status === 'pending' && c.status === 'sending')).reduce((n, c) => n + c.n, 0);
  const lastFailures = (await db
    .select({ platform: outbox.platform, destination: outbox.destination, error: outbox.lastError })
    .from(outbox)
    .where(and(isNotNull(outbox.lastError), inArray(outbox.status, ['pending', 'sending', 'failed'])))
    .orderBy(desc(outbox.id))
    .limit(LAST_FAILURES))
    .map((r) => ({ platform: r.platform, destination: r.destination, error: r.error ?? '' }));
  return { pending: total('pending'), failed: total('failed'), lastFailures };
}

