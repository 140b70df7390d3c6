// Update nudges: the severity's `updates` cadence turned into one pending `nudge` timer per open
// incident. The timer is re-armed from state after every change, so the clock always follows the
// latest update, status and severity, and a stale timer can never nudge twice.
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Duration } from '../domain/duration.js';
import { policyCalendar, type Severity } from '../config/policy/index.js';
import { addDuration, fixedTimeCovering, nextFixedTime } from '../domain/business-time.js';
import type { Ctx } from './context.js';
import { markedAt, type Mark, setMark } from './marks.js';
import { formatTime, type Incident, incidentVars, nudgee, severityOf } from './incident-view.js';
import { prepared } from '../store/prepared.js';
import { incidentMarks, incidents, roleAssignments, timers } from '../store/tables.js';
import { render } from './messages.js';
import { postToIncident, PRIORITY } from './outbox-writer.js';
import { armTargets, TARGET_TIMERS } from './targets.js';
import { cancelIncidentTimers, cancelTimer, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';
import { armPublicNudge } from './public-updates.js';

export type ChangeReason = 'declared' | 'update' | 'status' | 'severity' | 'resolved';

/** Wall-clock or business-time deadline on the policy's calendar. */
export function after(ctx: Pick<Ctx, 'policy'>, from: Date, d: Duration): Date {
  return addDuration(from, d, policyCalendar(ctx.policy));
}

/** The cadence for a status: `by_status` wins (runbook 002 relaxes once monitoring), else `every`. */
function updateInterval(sev: Severity, status: string): Duration | undefined {
  const byStatus = sev.updates?.by_status as Record<string, Duration | undefined> | undefined;
  return (byStatus && Object.hasOwn(byStatus, status) ? byStatus[status] : undefined) ?? sev.updates?.every;
}

/**
 * Where the update clock starts: the last update, or the last nudge after it. Anchoring on the
 * last nudge spaces repeats one interval apart even when a severity change shortens the cadence
 * right after a nudge, and a nudge that fires late (Klaxon was down) does not cause a burst.
 */
function clockStart(inc: Incident, lastNudge: Date | undefined): Date {
  return lastNudge && lastNudge > inc.lastUpdateAt ? lastNudge : inc.lastUpdateAt;
}

async function lastNudgeAt(ctx: Ctx, inc: Incident): Promise<Date | undefined> {
  return (await markedAt(ctx, inc.id, 'nudge')) ?? undefined;
}

/**
 * When the incident channel is next nudged, or null when the severity has no cadence. `lastNudge`
 * is the incident's nudge mark when the caller already knows it (the fired nudge just set it), so
 * it is not read twice.
 */
async function nextNudgeAt(ctx: Ctx, inc: Incident, lastNudge?: { at: Date | undefined }): Promise<Date | null> {
  if (lastNudge) return nextNudgeAfter(ctx, inc, lastNudge.at);
  if (!hasCadence(ctx, inc)) return null;
  return nextNudgeAfter(ctx, inc, await lastNudgeAt(ctx, inc));
}

function hasCadence(ctx: Ctx, inc: Incident): boolean {
  if (inc.status === 'resolved') return false;
  const sev = severityOf(ctx.policy, inc);
  return !!(updateInterval(sev, inc.status) || sev.updates?.at);
}

/** nextNudgeAt once the last nudge is known (undefined: never nudged); no read, so no await. */
function nextNudgeAfter(ctx: Ctx, inc: Incident, nudged: Date | undefined): Date | null {
  if (!hasCadence(ctx, inc)) return null;
  const sev = severityOf(ctx.policy, inc);
  const every = updateInterval(sev, inc.status);
  if (every) return after(ctx, clockStart(inc, nudged), every);
  return nextFixedNudge(ctx, inc, sev.updates!.at!, sev.updates!.days === 'business', nudged);
}

/**
 * `updates: { at: ["10:00", "16:00"] }`: each fixed time wants one update. An update counts for the
 * first fixed time at or after it (a 09:50 update is the 10:00 one); the declaration counts for
 * none, so an incident declared at 04:30 is first nudged at 10:00 (never at 04:30). A nudge
 * covers its own fixed time, so one that fired late does not fire again.
 */
function nextFixedNudge(ctx: Ctx, inc: Incident, times: readonly string[], businessDaysOnly: boolean, nudged: Date | undefined): Date {
  const cal = policyCalendar(ctx.policy);
  let from = inc.declaredAt;
  if (inc.lastUpdateAt > inc.declaredAt) {
    const covered = fixedTimeCovering(inc.lastUpdateAt, times, businessDaysOnly, cal);
    if (covered > from) from = covered;
  }
  if (nudged && nudged > from) from = nudged;
  return nextFixedTime(from, times, businessDaysOnly, cal);
}

/** When the next status update is expected, for the update template's {next_update}. */
export async function nextUpdateText(ctx: Ctx, inc: Incident): Promise<string> {
  const at = await nextNudgeAt(ctx, inc);
  return at ? formatTime(ctx.policy, at) : 'as needed';
}

/**
 * The incident's pending nudge timers as the caller found them, when it read them anyway: the
 * lowest and highest id, null when there is none.
 */
type PendingNudges = { first: number | null; last: number | null };

/**
 * Replaces the incident's pending nudge timer with one computed from the current state. `pending`
 * (when the caller knows it) spares the search: none to cancel, or the one by its id.
 */
async function armNudge(ctx: Ctx, inc: Incident, lastNudge?: { at: Date | undefined }, fresh = false, pending?: PendingNudges): Promise<void> {
  if (pending) {
    if (pending.first !== null && pending.first === pending.last) await cancelTimer(ctx, pending.first);
    else if (pending.first !== null) await cancelIncidentTimers(ctx, inc.id, ['nudge']);
  } else if (!fresh) await cancelIncidentTimers(ctx, inc.id, ['nudge']);
  const at = lastNudge ? nextNudgeAfter(ctx, inc, lastNudge.at) : await nextNudgeAt(ctx, inc);
  if (at) await scheduleTimer(ctx, 'nudge', at, { incidentId: inc.id });
}

/** Re-arms nudge and target timers after any change to an incident. */
export async function afterChange(ctx: Ctx, inc: Incident, reason: ChangeReason): Promise<void> {
  if (inc.status === 'resolved' || reason === 'resolved') {
    // resolve() cancels every timer already; this keeps afterChange safe to call on its own.
    await cancelIncidentTimers(ctx, inc.id, ['nudge', 'public_nudge', ...Object.values(TARGET_TIMERS)]);
    return;
  }
  // A declaration is this transaction's own insert (incidents are never deleted, so its id is
  // new): it has no timers to cancel and no marks to read, a third of a declaration's statements.
  const fresh = reason === 'declared';
  await armNudge(ctx, inc, fresh ? { at: undefined } : undefined, fresh);
  // A severity change can make the incident public (or not), or change when it goes public.
  await armPublicNudge(ctx, inc, fresh);
  // Targets run from the declaration, so only a new severity can move them; a status change
  // may meet the mitigate target, which disarms its timer.
  if (reason === 'declared' || reason === 'severity' || reason === 'status') await armTargets(ctx, inc, fresh);
}

/**
 * What a fired nudge reads, in one statement instead of four: the incident, when it was last
 * nudged, who holds its roles (one row per role holder; the role columns are null without any) and
 * which nudge timers are still pending (the fired one is already claimed, so usually none; a
 * search-and-update to cancel them was the costliest statement of a tick). A tick fires up to a
 * hundred nudges, and each statement costs more than the work around it.
 */
const pendingNudge = (edge: 'min' | 'max') =>
  sql<number | null>`(select ${sql.raw(edge)}(${timers.id}) from ${timers} where ${timers.incidentId} = ${incidents.id} and ${timers.status} = 'pending' and ${timers.kind} = 'nudge')`.mapWith(
    (v: unknown) => (v === null ? null : Number(v)),
  );
const nudgeState = prepared((tx) =>
  tx
    .select({
      ...getTableColumns(incidents),
      nudgedAt: incidentMarks.at,
      role: roleAssignments.role,
      person: roleAssignments.person,
      firstPending: pendingNudge('min'),
      lastPending: pendingNudge('max'),
    })
    .from(incidents)
    .leftJoin(incidentMarks, and(eq(incidentMarks.incidentId, incidents.id), eq(incidentMarks.mark, 'nudge' satisfies Mark)))
    .leftJoin(roleAssignments, eq(roleAssignments.incidentId, incidents.id))
    .where(eq(incidents.id, sql.placeholder('id')))
    .prepare(),
);

/**
 * The nudge timer fell due. Re-checks from state (an update may have reset the clock since), posts
 * in the incident channel, and arms the next one. Posted in the incident channel only, so neither
 * safe mode nor automation-off silences it: that is where responders need the reminder.
 */
export async function nudge(ctx: Ctx, incidentId: number, _due?: Date): Promise<void> {
  const rows = await nudgeState(ctx.tx).execute({ id: incidentId });
  if (rows.length === 0) return;
  // Each row is the incident's columns and more; the first stands for the incident.
  const inc: Incident = rows[0];
  if (inc.status === 'resolved') return;
  const { nudgedAt, firstPending, lastPending } = rows[0];
  const nudged = { at: nudgedAt ?? undefined };
  const due = nextNudgeAfter(ctx, inc, nudged.at);
  if (due && due <= ctx.now) {
    const roles: Record<string, string> = {};
    for (const r of rows) if (r.role !== null && r.person !== null) roles[r.role] = r.person;
    await postNudge(ctx, inc, roles);
    nudged.at = ctx.now;
  }
  await armNudge(ctx, inc, nudged, false, { first: firstPending, last: lastPending });
}

async function postNudge(ctx: Ctx, inc: Incident, roles: Record<string, string>): Promise<void> {
  const who = nudgee(roles);
  const command = `update #${inc.id} <text>`;
  const vars = { ...incidentVars(ctx.policy, inc, roles), time: formatTime(ctx.policy, inc.lastUpdateAt) };
  await postToIncident(
    ctx,
    inc.id,
    (_p, at) => {
      const text = render(ctx.policy, 'nudge', { ...vars, person: who ? at(who) : 'team' });
      // A team's own nudge template may leave the command out; the reminder must say how to act.
      return { text: text.includes(`update #${inc.id}`) ? text : `${text}\nPost one with \`${command}\`.`, title: `Update due on #${inc.id}`, tone: 'warn' };
    },
    { priority: PRIORITY.low },
  );
  await setMark(ctx, inc.id, 'nudge');
  await addTimeline(ctx, inc.id, 'nudge', 'klaxon', `Nudged for a status update (last one ${formatTime(ctx.policy, inc.lastUpdateAt)})`);
}
