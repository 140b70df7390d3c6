// Control state of an incident's automatic steps ("nudged at", "target already missed", "already
// auto-escalated"), kept in incident_marks and written in the same transaction as the step. The
// timeline tells people the same story but is never read to decide anything.
import { and, eq, sql } from 'drizzle-orm';
import { prepared } from '../store/prepared.js';
import { incidentMarks } from '../store/tables.js';
import type { Ctx } from './context.js';

/** Named like the timeline kinds of the same events (`role_nudge`: the required-roles nudge, once). */
export type Mark = 'nudge' | 'auto_escalate' | `target_missed:${'acknowledge' | 'mitigate' | 'resolve'}` | 'role_nudge' | 'public_update' | 'public_nudge';

/** When the mark was last set, or null when never. */
export async function markedAt(ctx: Pick<Ctx, 'tx'>, incidentId: number, mark: Mark): Promise<Date | null> {
  return (await selectMark(ctx.tx).execute({ incidentId, mark }))[0]?.at ?? null;
}

const selectMark = prepared((tx) =>
  tx
    .select({ at: incidentMarks.at })
    .from(incidentMarks)
    .where(and(eq(incidentMarks.incidentId, sql.placeholder('incidentId')), eq(incidentMarks.mark, sql.placeholder('mark'))))
    .prepare(),
);

const upsertMark = prepared((tx) =>
  tx
    .insert(incidentMarks)
    .values({ incidentId: sql.placeholder('incidentId'), mark: sql.placeholder('mark'), at: sql.placeholder('at') })
    .onConflictDoUpdate({ target: [incidentMarks.incidentId, incidentMarks.mark], set: { at: sql`excluded.at` } })
    .prepare(),
);

/** Sets the mark to now (again, for marks that move, such as the last nudge). */
export async function setMark(ctx: Pick<Ctx, 'tx' | 'now'>, incidentId: number, mark: Mark): Promise<void> {
  await upsertMark(ctx.tx).execute({ incidentId, mark, at: ctx.now });
}
