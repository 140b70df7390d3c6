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

export function scheduleTimer(
  ctx: Ctx,
  kind: TimerKind,
  dueAt: Date,
  o: { incidentId?: number; pageId?: number; key?: string; data?: Record<string, unknown> } = {},
): void {
  ctx.tx.insert(timers).values({ kind, dueAt, incidentId: o.incidentId, pageId: o.pageId, key: o.key, data: o.data, createdAt: ctx.now }).run();
}

function cancelWhere(ctx: Ctx, where: SQL | undefined): void {
  ctx.tx.update(timers).set({ status: 'cancelled', firedAt: ctx.now }).where(and(eq(timers.status, 'pending'), where)).run();
}

export function cancelIncidentTimers(ctx: Ctx, incidentId: number, kinds?: TimerKind[]): void {
  cancelWhere(ctx, and(eq(timers.incidentId, incidentId), kinds ? inArray(timers.kind, kinds) : undefined));
}

export function cancelPageTimers(ctx: Ctx, pageId: number): void {
  cancelWhere(ctx, eq(timers.pageId, pageId));
}

export function cancelKeyedTimers(ctx: Ctx, key: string): void {
  cancelWhere(ctx, eq(timers.key, key));
}
