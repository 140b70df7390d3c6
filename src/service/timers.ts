import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { prepared } from '../store/prepared.js';
import { timers } from '../store/tables.js';
import type { Ctx } from './context.js';

export type TimerKind =
  | 'escalate'
  | 'nudge'
  | 'target_acknowledge'
  | 'target_mitigate'
  | 'target_resolve'
  | 'postmortem_reminder'
  | 'handoff'
  | 'announce'
  | 'auto_escalate'
  | 'reminder'
  | 'heartbeat'
  | 'role_grace'
  | 'public_nudge';

export async function scheduleTimer(
  ctx: Ctx,
  kind: TimerKind,
  dueAt: Date,
  o: { incidentId?: number; pageId?: number; key?: string; data?: Record<string, unknown> } = {},
): Promise<void> {
  // The hot timers (nudges, targets, escalation steps) carry no data; a JSON placeholder would
  // store the text 'null' where the builder stores NULL, so timers with data take the builder.
  if (o.data) await ctx.tx.insert(timers).values({ kind, dueAt, incidentId: o.incidentId, pageId: o.pageId, key: o.key, data: o.data, createdAt: ctx.now });
  else await insertTimer(ctx.tx).execute({ kind, dueAt, incidentId: o.incidentId ?? null, pageId: o.pageId ?? null, key: o.key ?? null, createdAt: ctx.now });
}

const p = (name: string) => sql.placeholder(name);
const insertTimer = prepared((tx) =>
  tx.insert(timers).values({ kind: p('kind'), dueAt: p('dueAt'), incidentId: p('incidentId'), pageId: p('pageId'), key: p('key'), createdAt: p('createdAt') }).prepare(),
);

async function cancelWhere(ctx: Ctx, where: SQL | undefined): Promise<void> {
  await ctx.tx.update(timers).set({ status: 'cancelled', firedAt: ctx.now }).where(and(eq(timers.status, 'pending'), where));
}

/** One prepared cancel per list of kinds: callers name a handful of fixed lists, so this stays small. */
const cancelByKinds = new Map<string, ReturnType<typeof cancelIncidentQuery>>();
function cancelIncidentQuery(kinds?: readonly TimerKind[]) {
  return prepared((tx) =>
    tx
      .update(timers)
      // A placeholder in SET is not mapped from a Date: it takes epoch milliseconds, as the column stores.
      .set({ status: 'cancelled', firedAt: sql`${p('nowMs')}` })
      .where(and(eq(timers.status, 'pending'), eq(timers.incidentId, p('incidentId')), kinds ? inArray(timers.kind, [...kinds]) : undefined))
      .prepare(),
  );
}

export async function cancelIncidentTimers(ctx: Ctx, incidentId: number, kinds?: TimerKind[]): Promise<void> {
  const listed = kinds?.join(',') ?? '*';
  let q = cancelByKinds.get(listed);
  if (!q) cancelByKinds.set(listed, (q = cancelIncidentQuery(kinds)));
  await q(ctx.tx).execute({ incidentId, nowMs: ctx.now.getTime() });
}

const cancelById = prepared((tx) =>
  tx
    .update(timers)
    .set({ status: 'cancelled', firedAt: sql`${p('nowMs')}` })
    .where(and(eq(timers.id, p('id')), eq(timers.status, 'pending')))
    .prepare(),
);

/** Cancels one pending timer the caller found by its id. */
export async function cancelTimer(ctx: Ctx, id: number): Promise<void> {
  await cancelById(ctx.tx).execute({ id, nowMs: ctx.now.getTime() });
}

export async function cancelPageTimers(ctx: Ctx, pageId: number): Promise<void> {
  await cancelWhere(ctx, eq(timers.pageId, pageId));
}

export async function cancelKeyedTimers(ctx: Ctx, key: string): Promise<void> {
  await cancelWhere(ctx, eq(timers.key, key));
}
