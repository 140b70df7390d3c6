// Control state of an incident's automatic steps ("nudged at", "target already missed", "already
// auto-escalated"), kept in incident_marks and written in the same transaction as the step. The
// timeline tells people the same story but is never read to decide anything.
import { and, eq } from 'drizzle-orm';
import { incidentMarks } from '../store/schema.js';
import type { Ctx } from './context.js';

/** Named like the timeline kinds of the same events (`role_nudge`: the required-roles nudge, once). */
export type Mark = 'nudge' | 'auto_escalate' | `target_missed:${'acknowledge' | 'mitigate' | 'resolve'}` | 'role_nudge' | 'public_update' | 'public_nudge';

/** When the mark was last set, or null when never. */
export function markedAt(ctx: Pick<Ctx, 'tx'>, incidentId: number, mark: Mark): Date | null {
  const row = ctx.tx.select({ at: incidentMarks.at }).from(incidentMarks).where(and(eq(incidentMarks.incidentId, incidentId), eq(incidentMarks.mark, mark))).get();
  return row?.at ?? null;
}

/** Sets the mark to now (again, for marks that move, such as the last nudge). */
export function setMark(ctx: Pick<Ctx, 'tx' | 'now'>, incidentId: number, mark: Mark): void {
  ctx.tx
    .insert(incidentMarks)
    .values({ incidentId, mark, at: ctx.now })
    .onConflictDoUpdate({ target: [incidentMarks.incidentId, incidentMarks.mark], set: { at: ctx.now } })
    .run();
}
