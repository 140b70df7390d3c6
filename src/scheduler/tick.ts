// One scheduler step: claim due timers in due order and run each one's effect in the same
// transaction that marks it done, so a crash at any point neither loses nor repeats it.
import { exclusive, runChanges, savepoint } from '../store/transaction.js';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { prepared } from '../store/prepared.js';
import { literalLimit } from '../store/limit.js';
import type { Service } from '../service/service.js';
import type { Db } from '../store/db.js';
import { timers } from '../store/tables.js';
import { escalate } from '../service/paging.js';
import { nudge } from '../service/cadence.js';
import { checkTarget } from '../service/targets.js';
import { remindPostmortem } from '../service/postmortem.js';
import { announce, ensureRotaTimers, handoff, syncUserGroups } from '../service/rota.js';
import type { Ctx } from '../service/context.js';
import { autoEscalate } from '../service/auto-escalate.js';
import { ensureReminderTimers, remind } from '../service/reminders.js';
import { armHeartbeats, heartbeatMissed } from '../service/alerts.js';
import { checkRequiredRoles } from '../service/role-grace.js';
import { publicNudge } from '../service/public-updates.js';
import { reportCutOffActions } from '../service/actions.js';
import { isTransientDbError } from '../store/db-errors.js';
import { leaderFence } from '../store/fence.js';
import { rawRows } from '../store/raw.js';
import { pages } from '../store/tables.js';
import { postToIncident, PRIORITY } from '../service/outbox-writer.js';
import { addTimeline } from '../service/timeline.js';
import { formatTime } from '../service/incident-view.js';

export type Timer = typeof timers.$inferSelect;
type Handler = (ctx: Ctx, t: Timer) => Promise<unknown> | void;

/** Each timer kind is a small idempotent step: it re-reads state and does nothing if moot. */
const HANDLERS: Record<string, Handler> = {
  escalate: (ctx, t) => escalate(ctx, t.pageId!, t.dueAt),
  nudge: (ctx, t) => nudge(ctx, t.incidentId!, t.dueAt),
  target_acknowledge: (ctx, t) => checkTarget(ctx, t.incidentId!, 'acknowledge'),
  target_mitigate: (ctx, t) => checkTarget(ctx, t.incidentId!, 'mitigate'),
  target_resolve: (ctx, t) => checkTarget(ctx, t.incidentId!, 'resolve'),
  postmortem_reminder: (ctx, t) => remindPostmortem(ctx, t.incidentId!),
  handoff: (ctx, t) => handoff(ctx, String(t.data?.schedule), t.dueAt, t.data?.regular === true),
  announce: (ctx, t) => announce(ctx, String(t.data?.schedule), t.dueAt),
  auto_escalate: (ctx, t) => autoEscalate(ctx, t.incidentId!),
  reminder: (ctx, t) => remind(ctx, Number(t.data?.index), String(t.data?.cron), t.dueAt),
  heartbeat: (ctx, t) => heartbeatMissed(ctx, String(t.data?.integration)),
  role_grace: (ctx, t) => checkRequiredRoles(ctx, t.incidentId!),
  public_nudge: (ctx, t) => publicNudge(ctx, t.incidentId!),
};

const BATCH = 100;
/** A timer whose step hit a passing DB failure is tried again after this, doubling, up to the cap. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 1000;

/** Stands for the process dying mid-timer in fault-injection tests: it is never caught. */
export class InjectedCrash extends Error {}

/**
 * Timers waiting to be retried after a transient failure, per service. Kept in memory on purpose:
 * the failure is usually the database refusing writes, so the retry state cannot live there, and a
 * restart simply retries at once.
 */
const retries = new WeakMap<Service, Map<number, { attempts: number; at: number }>>();

export type TickResult = { fired: number; deferred: number };

/**
 * Fires every timer due by now; returns how many fired. `crashBeforeCommit` is a test hook for
 * fault injection. A step that fails transiently (the DB locked by another process, an I/O error,
 * a full disk) leaves its timer pending, retried with a short backoff: escalation resumes as soon as
 * the database does. Only a step that fails deterministically (say, a policy edit left it pointing
 * at nothing) is set aside as failed, so it cannot block the timers behind it, and the incident is
 * told, so a person knows that escalation stopped.
 */
export async function tick(svc: Service, opts: { crashBeforeCommit?: (t: Timer) => boolean } = {}): Promise<number> {
  return (await tickDetailed(svc, opts)).fired;
}

export async function tickDetailed(svc: Service, opts: { crashBeforeCommit?: (t: Timer) => boolean } = {}): Promise<TickResult> {
  let fired = 0;
  let deferred = 0;
  const waiting = retries.get(svc) ?? new Map<number, { attempts: number; at: number }>();
  retries.set(svc, waiting);
  for (;;) {
    const now = svc.deps.clock.now();
    const due = (await dueTimers(svc.deps.db).execute({ nowMs: now.getTime() }));
    const ready: Timer[] = [];
    for (const t of due) {
      const backoff = waiting.get(t.id);
      if (backoff && backoff.at > now.getTime()) deferred++;
      else ready.push(t);
    }
    const tried = ready.length;
    // The usual case: the whole batch in one transaction (one commit, one WAL write); a timer that
    // fails for good is rolled back alone and the rest still fire (runBatch).
    const batch = tried ? (await runBatch(svc, ready, opts)) : { fired: 0, failed: [] };
    if (batch) {
      fired += batch.fired;
      for (const { t, e } of batch.failed) {
        waiting.delete(t.id);
        await setAside(svc, t, e);
      }
      for (const t of ready) waiting.delete(t.id);
    } else {
      // The database refused the batch (locked, I/O, full): timer by timer, with the backoff below.
      for (const t of ready) {
        const backoff = waiting.get(t.id);
        try {
          if ((await runTimer(svc, t, opts))) fired++;
          waiting.delete(t.id);
        } catch (e) {
          if (e instanceof InjectedCrash) throw e;
          if (isTransientDbError(e)) {
            const attempts = (backoff?.attempts ?? 0) + 1;
            const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempts - 1));
            waiting.set(t.id, { attempts, at: svc.deps.clock.now().getTime() + wait });
            svc.deps.log.warn({ err: e, timer: t.id, kind: t.kind, incident: t.incidentId, attempts, retryInMs: wait }, 'timer hit a passing database failure; will retry');
            // The database is refusing work right now: the timers behind this one would fail the same way.
            return { fired, deferred: deferred + 1 };
          }
          waiting.delete(t.id);
          await setAside(svc, t, e);
        }
      }
    }
    if (due.length < BATCH || tried === 0) return { fired, deferred };
  }
}

type FireOpts = { crashBeforeCommit?: (t: Timer) => boolean };

const dueTimers = prepared((db) =>
  db
    .select()
    .from(timers)
    // A placeholder in WHERE is not mapped from a Date either: epoch milliseconds.
    .where(and(eq(timers.status, 'pending'), lte(timers.dueAt, sql.placeholder('nowMs'))))
    .orderBy(asc(timers.dueAt), asc(timers.id))
    .limit(literalLimit(BATCH))
    .prepare(),
);

const claimWhere = (fenced: boolean) =>
  and(eq(timers.id, sql.placeholder('id')), eq(timers.status, 'pending'), fenced ? leaderFence(sql.placeholder('token')) : undefined);
const claimQuery = (fenced: boolean) =>
  prepared((tx) =>
    tx
      .update(timers)
      // A placeholder in SET is not mapped from a Date: it takes epoch milliseconds, as the column stores.
      .set({ status: 'done', firedAt: sql`${sql.placeholder('nowMs')}` })
      .where(claimWhere(fenced))
      .prepare(),
  );
const claim = claimQuery(false);
/** With replicas: only while this replica's leader term lasts (a deposed leader claims nothing). */
const claimFenced = claimQuery(true);

/** Claims a timer and runs its step inside the caller's transaction; false when already claimed. */
async function fire(ctx: Ctx, t: Timer, opts: FireOpts): Promise<boolean> {
  const token = ctx.fence?.();
  if (token === null) return false;
  const values = { id: t.id, nowMs: ctx.now.getTime() };
  const claimed = await runChanges(token === undefined ? claim(ctx.tx).execute(values) : claimFenced(ctx.tx).execute({ ...values, token }));
  if (claimed.changes !== 1) return false;
  const handler = HANDLERS[t.kind];
  if (handler) await handler(ctx, t);
  else ctx.log.warn({ kind: t.kind, id: t.id }, 'timer of unknown kind dropped');
  if (opts.crashBeforeCommit?.(t)) throw new InjectedCrash(`injected crash before committing timer ${t.id}`);
  return true;
}

async function runTimer(svc: Service, t: Timer, opts: FireOpts): Promise<boolean> {
  return svc.transact((ctx) => fire(ctx, t, opts));
}

/**
 * Fires `ready` in one transaction. The usual batch has no failing timer, so it first runs without
 * savepoints: a savepoint per timer made SQLite copy every page a timer touched to its statement
 * journal again for each timer (the hot b-tree pages of timers, outbox and timeline, 100 times per
 * tick) and cost two statements more per timer. If a timer's step fails for good, that attempt is
 * rolled back whole and the batch runs again with a savepoint per timer, so only the failing timer
 * is rolled back and returned to be set aside; the others commit together, once. The steps change
 * nothing outside the transaction (they queue messages and timers in it), so the redo repeats
 * nothing anyone could see. A passing database failure (or an injected crash) abandons the whole
 * batch: null, nothing written.
 */
async function runBatch(svc: Service, ready: Timer[], opts: FireOpts): Promise<{ fired: number; failed: { t: Timer; e: unknown }[] } | null> {
  try {
    try {
      return await svc.transact(async (ctx) => {
        let fired = 0;
        for (const t of ready) if (await fire(ctx, t, opts)) fired++;
        return { fired, failed: [] };
      });
    } catch (e) {
      if (e instanceof InjectedCrash || isTransientDbError(e)) throw e;
      // One timer failed for good and took the attempt with it: again, each timer on its own.
      return await runBatchIsolated(svc, ready, opts);
    }
  } catch (e) {
    if (isTransientDbError(e)) return null;
    throw e;
  }
}

/** The batch with a savepoint per timer: a timer whose step fails for good is rolled back alone. */
async function runBatchIsolated(svc: Service, ready: Timer[], opts: FireOpts): Promise<{ fired: number; failed: { t: Timer; e: unknown }[] }> {
  return svc.transact(async (ctx) => {
    let fired = 0;
    const failed: { t: Timer; e: unknown }[] = [];
    for (const t of ready) {
      try {
        if (await savepoint(ctx.tx, async (sp) => fire({ ...ctx, tx: sp }, t, opts))) fired++;
      } catch (e) {
        if (e instanceof InjectedCrash || isTransientDbError(e)) throw e;
        failed.push({ t, e });
      }
    }
    return { fired, failed };
  });
}

/**
 * Marks a timer that cannot run as failed and says so in its incident's channel, in one transaction.
 * If that fails transiently the timer stays pending and the next tick tries again.
 */
async function setAside(svc: Service, t: Timer, e: unknown): Promise<void> {
  const error = e instanceof Error ? e.message : String(e);
  svc.deps.log.error({ err: e, timer: t.id, kind: t.kind, incident: t.incidentId }, 'timer failed; set aside');
  try {
    await svc.transact(async (ctx) => {
      const marked = (await runChanges(ctx.tx.update(timers).set({ status: 'failed', firedAt: ctx.now }).where(and(eq(timers.id, t.id), eq(timers.status, 'pending')))));
      if (marked.changes !== 1) return;
      const incidentId = t.incidentId ?? (t.pageId ? (await ctx.tx.select({ id: pages.incidentId }).from(pages).where(eq(pages.id, t.pageId)))[0]?.id : undefined);
      if (incidentId === undefined || incidentId === null) return;
      const what = STOPPED[t.kind] ?? `The scheduled ${t.kind} step`;
      const text = `⚠️ ${what} due ${formatTime(ctx.policy, t.dueAt)} could not run and was set aside (${error}). It will not be retried: act by hand (for example \`/incident page\`).`;
      await postToIncident(ctx, incidentId, () => ({ text, title: 'Klaxon stopped a scheduled step', tone: 'alert' }), { priority: PRIORITY.page });
      await addTimeline(ctx, incidentId, 'scheduler', 'klaxon', `${what} due ${formatTime(ctx.policy, t.dueAt)} set aside: ${error}`);
    });
  } catch (again) {
    if (isTransientDbError(again)) return;
    // Even the notice cannot be written (say, the incident row is gone): set the timer aside quietly.
    await exclusive(svc.deps.db, async () => void (await svc.deps.db.update(timers).set({ status: 'failed', firedAt: svc.deps.clock.now() }).where(and(eq(timers.id, t.id), eq(timers.status, 'pending')))));
  }
}

const STOPPED: Record<string, string> = {
  escalate: 'Escalation of this page: the next tier',
  nudge: 'The update reminder',
  target_acknowledge: 'The acknowledge target check',
  target_mitigate: 'The mitigate target check',
  target_resolve: 'The resolve target check',
  postmortem_reminder: 'The postmortem reminder',
  auto_escalate: 'Automatic escalation',
  public_nudge: 'The status page update reminder',
};

/** Due time (ms) of the earliest pending timer, or null: the scheduler loop sleeps until then. */
export async function earliestDue(db: Db): Promise<number | null> {
  const v = (await rawRows(db, sql`select min(due_at) from timers where status = 'pending'`))[0]?.[0];
  return v === null || v === undefined ? null : Number(v);
}

/** Start-up: report actions cut off by the last stop; make sure every schedule has its next hand-off and announcement armed. */
export async function bootstrapTimers(svc: Service): Promise<void> {
  await svc.transact(async (ctx) => {
    await reportCutOffActions(ctx);
    await ensureRotaTimers(ctx);
    await syncUserGroups(ctx);
    await armHeartbeats(ctx);
    await ensureReminderTimers(ctx);
  });
}
