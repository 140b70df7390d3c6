import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { timers } from '../store/schema.js';
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
  await ctx.tx.insert(timers).values({ kind, dueAt, incidentId: o.incidentId, pageId: o.pageId, key: o.key, data: o.data, createdAt: ctx.now });
}

async function cancelWhere(ctx: Ctx, where: SQL | undefined): Promise<void> {
  await ctx.tx.update(timers).set({ status: 'cancelled', firedAt: ctx.now }).where(and(eq(timers.status, 'pending'), where));
}

export async function cancelIncidentTimers(ctx: Ctx, incidentId: number, kinds?: TimerKind[]): Promise<void> {
  await cancelWhere(ctx, and(eq(timers.incidentId, incidentId), kinds ? inArray(timers.kind, kinds) : undefined));
}

export async function cancelPageTimers(ctx: Ctx, pageId: number): Promise<void> {
  await cancelWhere(ctx, eq(timers.pageId, pageId));
}

export async function cancelKeyedTimers(ctx: Ctx, key: string): Promise<void> {
  await cancelWhere(ctx, eq(timers.key, key));
}
