// One scheduler step: claim due timers in due order and run each one's effect in the same
// transaction that marks it done, so a crash at any point neither loses nor repeats it.
import { and, asc, eq, lte } from 'drizzle-orm';
import type { Service } from '../service/service.js';
import { timers } from '../store/schema.js';
import { escalate } from '../service/paging.js';
import { nudge } from '../service/cadence.js';
import { checkTarget } from '../service/targets.js';
import { remindPostmortem } from '../service/postmortem.js';
import { announce, ensureRotaTimers, handoff } from '../service/rota.js';
import type { Ctx } from '../service/context.js';
import { autoEscalate } from '../service/auto-escalate.js';
import { armHeartbeats, heartbeatMissed } from '../service/alerts.js';

export type Timer = typeof timers.$inferSelect;
type Handler = (ctx: Ctx, t: Timer) => void;

/** Each timer kind is a small idempotent step: it re-reads state and does nothing if moot. */
const HANDLERS: Record<string, Handler> = {
  escalate: (ctx, t) => escalate(ctx, t.pageId!, t.dueAt),
  nudge: (ctx, t) => nudge(ctx, t.incidentId!, t.dueAt),
  target_acknowledge: (ctx, t) => checkTarget(ctx, t.incidentId!, 'acknowledge'),
  target_resolve: (ctx, t) => checkTarget(ctx, t.incidentId!, 'resolve'),
  postmortem_reminder: (ctx, t) => remindPostmortem(ctx, t.incidentId!),
  handoff: (ctx, t) => handoff(ctx, String(t.data?.schedule), t.dueAt, t.data?.regular === true),
  announce: (ctx, t) => announce(ctx, String(t.data?.schedule), t.dueAt),
  auto_escalate: (ctx, t) => autoEscalate(ctx, t.incidentId!),
  heartbeat: (ctx, t) => heartbeatMissed(ctx, String(t.data?.integration)),
};

const BATCH = 100;

/** Stands for the process dying mid-timer in fault-injection tests: it is never caught. */
export class InjectedCrash extends Error {}

/**
 * Fires every timer due by now; returns how many fired. `crashBeforeCommit` is a test hook for
 * fault injection. A timer whose step fails for any other reason (say, a policy edit left it
 * pointing at nothing) is logged and set aside as failed, so it cannot block the timers behind it.
 */
export function tick(svc: Service, opts: { crashBeforeCommit?: (t: Timer) => boolean } = {}): number {
  let fired = 0;
  for (;;) {
    const now = svc.deps.clock.now();
    const due = svc.deps.db
      .select()
      .from(timers)
      .where(and(eq(timers.status, 'pending'), lte(timers.dueAt, now)))
      .orderBy(asc(timers.dueAt), asc(timers.id))
      .limit(BATCH)
      .all();
    if (due.length === 0) return fired;
    for (const t of due) {
      try {
        const ran = svc.transact((ctx) => {
          const claimed = ctx.tx.update(timers).set({ status: 'done', firedAt: ctx.now }).where(and(eq(timers.id, t.id), eq(timers.status, 'pending'))).run();
          if (claimed.changes !== 1) return false;
          const handler = HANDLERS[t.kind];
          if (handler) handler(ctx, t);
          else ctx.log.warn({ kind: t.kind, id: t.id }, 'timer of unknown kind dropped');
          if (opts.crashBeforeCommit?.(t)) throw new InjectedCrash(`injected crash before committing timer ${t.id}`);
          return true;
        });
        if (ran) fired++;
      } catch (e) {
        if (e instanceof InjectedCrash) throw e;
        svc.deps.log.error({ err: e, timer: t.id, kind: t.kind, incident: t.incidentId }, 'timer failed; set aside');
        svc.deps.db.update(timers).set({ status: 'failed', firedAt: svc.deps.clock.now() }).where(eq(timers.id, t.id)).run();
      }
    }
    if (due.length < BATCH) return fired;
  }
}

/** Start-up: make sure every schedule has its next hand-off and announcement armed. */
export function bootstrapTimers(svc: Service): void {
  svc.transact((ctx) => {
    ensureRotaTimers(ctx);
    armHeartbeats(ctx);
  });
}
