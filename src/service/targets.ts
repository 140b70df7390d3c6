// Response targets (`targets.acknowledge`, `targets.mitigate`, `targets.resolve`): a timer per unmet target at its
// deadline, counted from the declaration on the policy's calendar. A miss is marked
// `target_missed:<target>` (service/marks.ts); that mark is what makes each target post once, even
// when a severity change moves the deadline after it was already missed.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { formatMs } from '../domain/duration.js';
import { policyCalendar } from '../config/policy/index.js';
import { addDuration } from '../domain/business-time.js';
import { incidents } from '../store/tables.js';
import { personName } from './actor.js';
import type { Ctx } from './context.js';
import { markedAt, setMark } from './marks.js';
import { getIncident, type Incident, incidentVars, rolesOf, severityOf } from './incident-view.js';
import { render } from './messages.js';
import { postToChannel, postToIncident } from './outbox-writer.js';
import { fillRolesOnAcknowledge } from './roles.js';
import { cancelIncidentTimers, scheduleTimer, type TimerKind } from './timers.js';
import { addTimeline } from './timeline.js';

export type TargetName = 'acknowledge' | 'mitigate' | 'resolve';
export const TARGET_NAMES: readonly TargetName[] = ['acknowledge', 'mitigate', 'resolve'];

export const TARGET_TIMERS: Record<TargetName, TimerKind> = { acknowledge: 'target_acknowledge', mitigate: 'target_mitigate', resolve: 'target_resolve' };
const TIMER = TARGET_TIMERS;
const NOUN: Record<TargetName, string> = { acknowledge: 'acknowledgement', mitigate: 'mitigation', resolve: 'resolution' };

/** When the incident met a target, or null while it has not. */
export function metAt(inc: Incident, target: TargetName): Date | null {
  return target === 'acknowledge' ? inc.acknowledgedAt : target === 'mitigate' ? inc.mitigatedAt : inc.resolvedAt;
}

const missedKind = (target: TargetName) => `target_missed:${target}` as const;

/** The deadline for a target under the incident's current severity, or null when it has none. */
function targetDeadline(ctx: Pick<Ctx, 'policy'>, inc: Incident, target: TargetName): Date | null {
  const limit = severityOf(ctx.policy, inc).targets?.[target];
  return limit ? addDuration(inc.declaredAt, limit, policyCalendar(ctx.policy)) : null;
}

function met(inc: Incident, target: TargetName): boolean {
  return metAt(inc, target) !== null;
}

async function alreadyMissed(ctx: Ctx, incidentId: number, target: TargetName): Promise<boolean> {
  return (await markedAt(ctx, incidentId, missedKind(target))) !== null;
}

async function armTarget(ctx: Ctx, inc: Incident, target: TargetName, fresh = false): Promise<void> {
  if (!fresh) await cancelIncidentTimers(ctx, inc.id, [TIMER[target]]);
  if (met(inc, target) || (!fresh && (await alreadyMissed(ctx, inc.id, target)))) return;
  const deadline = targetDeadline(ctx, inc, target);
  // A deadline already past (a severity raised late) is scheduled anyway: the next tick posts it.
  if (deadline) await scheduleTimer(ctx, TIMER[target], deadline, { incidentId: inc.id });
}

/** On declare and on every severity change: one timer per unmet, not-yet-missed target. `fresh`: declared in this transaction (no timers, no marks yet). */
export async function armTargets(ctx: Ctx, inc: Incident, fresh = false): Promise<void> {
  for (const t of TARGET_NAMES) await armTarget(ctx, inc, t, fresh);
}

/** A target timer fell due: if the target is still unmet, post the miss once and count it. */
export async function checkTarget(ctx: Ctx, incidentId: number, target: TargetName): Promise<void> {
  const inc = await getIncident(ctx.tx, incidentId);
  if (!inc || inc.status === 'resolved' || met(inc, target) || (await alreadyMissed(ctx, inc.id, target))) return;
  const deadline = targetDeadline(ctx, inc, target);
  if (!deadline) return;
  // Only reachable when the policy changed under a pending timer: wait for the real deadline.
  if (deadline > ctx.now) return armTarget(ctx, inc, target);
  const sev = severityOf(ctx.policy, inc);
  const limit = sev.targets![target]!.text;
  const lateMs = ctx.now.getTime() - deadline.getTime();
  await ctx.tx.update(incidents).set({ targetsMissed: sql`${incidents.targetsMissed} + 1` }).where(eq(incidents.id, inc.id));
  await setMark(ctx, inc.id, missedKind(target));
  await addTimeline(ctx, inc.id, missedKind(target), 'klaxon', `Missed the ${limit} ${NOUN[target]} target (${sev.name ?? sev.id})`, undefined, sev.id);
  const vars = {
    ...incidentVars(ctx.policy, inc, await rolesOf(ctx.tx, inc.id)),
    text: `${limit} ${NOUN[target]}`,
    late_by: lateMs < 60_000 ? 'less than a minute' : formatMs(lateMs),
  };
  const body = () => ({ text: render(ctx.policy, 'target_missed', vars), title: `Target missed on #${inc.id}`, tone: 'warn' as const });
  await postToIncident(ctx, inc.id, body);
  // Announcements are outside the incident channel, so safe mode holds this copy back.
  await postToChannel(ctx, 'announcements', body, { incidentId: inc.id });
}

/**
 * `ack` on an incident with no open page (a severity that pages nobody, such as runbook 000's
 * Sev 3 and 4, or a page that ran out of tiers): whoever takes it on acknowledges the incident
 * itself, which is what its acknowledge target measures. False when it was acknowledged already.
 */
export async function acknowledgeIncident(ctx: Ctx, inc: Incident, by: string): Promise<boolean> {
  if (inc.acknowledgedAt) return false;
  await ctx.tx.update(incidents).set({ acknowledgedAt: ctx.now }).where(and(eq(incidents.id, inc.id), isNull(incidents.acknowledgedAt)));
  await cancelIncidentTimers(ctx, inc.id, [TIMER.acknowledge]);
  const after = formatMs(ctx.now.getTime() - inc.declaredAt.getTime());
  await addTimeline(ctx, inc.id, 'ack', by, `${personName(ctx.policy, by)} acknowledged #${inc.id} after ${after}`);
  await postToIncident(ctx, inc.id, (_p, at) => ({ text: `✅ ${at(by)} acknowledged #${inc.id} (after ${after}).`, tone: 'good' }));
  await fillRolesOnAcknowledge(ctx, inc, by);
  return true;
}
