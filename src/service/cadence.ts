// Update nudges and response targets: timers derived from the severity's cadence and targets,
// recomputed whenever the incident changes so the clock always follows the latest state.
import { and, eq, like } from 'drizzle-orm';
import { formatMs, type Duration } from '../config/duration.js';
import { policyCalendar, type Severity } from '../config/policy.js';
import { addDuration } from '../domain/business-time.js';
import { incidents, timelineEvents } from '../store/schema.js';
import type { Ctx } from './context.js';
import { formatTime, getIncident, type Incident, incidentVars, rolesOf, severityOf } from './incident-view.js';
import { render } from './messages.js';
import { postToChannel, postToIncident, PRIORITY } from './outbox-writer.js';
import { cancelIncidentTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';

export type ChangeReason = 'declared' | 'update' | 'status' | 'severity' | 'resolved';
export type TargetName = 'acknowledge' | 'resolve';

export function updateInterval(sev: Severity, status: string): Duration | undefined {
  const byStatus = sev.updates?.by_status as Record<string, Duration | undefined> | undefined;
  return byStatus?.[status] ?? sev.updates?.every;
}

export function after(ctx: Ctx, from: Date, d: Duration): Date {
  return addDuration(from, d, policyCalendar(ctx.policy));
}

/** When the next status update is expected, for the update template's {next_update}. */
export function nextUpdateText(ctx: Ctx, inc: Incident): string {
  const every = updateInterval(severityOf(ctx.policy, inc), inc.status);
  return every ? formatTime(ctx.policy, after(ctx, inc.lastUpdateAt, every)) : 'as needed';
}

/** Re-arms nudge and target timers after any change; resolving has already cancelled them all. */
export function afterChange(ctx: Ctx, inc: Incident, reason: ChangeReason): void {
  if (inc.status === 'resolved') return;
  const sev = severityOf(ctx.policy, inc);
  cancelIncidentTimers(ctx, inc.id, ['nudge']);
  const every = updateInterval(sev, inc.status);
  if (every) scheduleTimer(ctx, 'nudge', after(ctx, inc.lastUpdateAt, every), { incidentId: inc.id });
  if (reason === 'declared' || reason === 'severity') armTargets(ctx, inc, sev);
}

function armTargets(ctx: Ctx, inc: Incident, sev: Severity): void {
  cancelIncidentTimers(ctx, inc.id, ['target_acknowledge', 'target_resolve']);
  const ack = sev.targets?.acknowledge;
  if (ack && !inc.acknowledgedAt) scheduleTimer(ctx, 'target_acknowledge', after(ctx, inc.declaredAt, ack), { incidentId: inc.id });
  const res = sev.targets?.resolve;
  if (res) scheduleTimer(ctx, 'target_resolve', after(ctx, inc.declaredAt, res), { incidentId: inc.id });
}

/** Nudge timer: no update for a whole interval, so remind the comms lead (or commander) how to post one. */
export function nudge(ctx: Ctx, incidentId: number, due: Date): void {
  const inc = getIncident(ctx.tx, incidentId);
  if (!inc || inc.status === 'resolved') return;
  const sev = severityOf(ctx.policy, inc);
  const every = updateInterval(sev, inc.status);
  if (!every) return;
  const dueFromLastUpdate = after(ctx, inc.lastUpdateAt, every);
  // An update since this timer was armed moved the clock; afterChange armed a fresh timer.
  if (dueFromLastUpdate > ctx.now) return;
  const roles = rolesOf(ctx.tx, inc.id);
  const who = roles.comms ?? roles.commander;
  const vars = { ...incidentVars(ctx.policy, inc, roles), time: formatTime(ctx.policy, inc.lastUpdateAt) };
  postToIncident(
    ctx,
    inc.id,
    (_p, at) => ({
      text: render(ctx.policy, 'nudge', { ...vars, person: who ? at(who) : 'team' }),
      title: `Update due on #${inc.id}`,
      tone: 'warn',
    }),
    { priority: PRIORITY.low },
  );
  addTimeline(ctx, inc.id, 'nudge', 'klaxon', `Nudged for an update (last one ${formatTime(ctx.policy, inc.lastUpdateAt)})`);
  let next = after(ctx, due, every);
  while (next <= ctx.now) next = after(ctx, next, every);
  scheduleTimer(ctx, 'nudge', next, { incidentId: inc.id });
}

/** Target timer: posts a missed target once (incident channel and announcements) and counts it. */
export function checkTarget(ctx: Ctx, incidentId: number, target: TargetName): void {
  const inc = getIncident(ctx.tx, incidentId);
  if (!inc || inc.status === 'resolved') return;
  if (target === 'acknowledge' && inc.acknowledgedAt) return;
  const kind = `target_missed:${target}`;
  const already = ctx.tx.select().from(timelineEvents).where(and(eq(timelineEvents.incidentId, incidentId), like(timelineEvents.kind, kind))).get();
  if (already) return;
  const sev = severityOf(ctx.policy, inc);
  const limit = sev.targets?.[target]?.text ?? '';
  ctx.tx.update(incidents).set({ targetsMissed: inc.targetsMissed + 1 }).where(eq(incidents.id, inc.id)).run();
  addTimeline(ctx, inc.id, kind, 'klaxon', `Missed the ${target} target of ${limit}`);
  const missedBy = ctx.now.getTime() - after(ctx, inc.declaredAt, sev.targets![target]!).getTime();
  const vars = { ...incidentVars(ctx.policy, inc, rolesOf(ctx.tx, inc.id)), text: `${target} within ${limit}`, late_by: formatMs(Math.max(0, missedBy)) || 'moments' };
  const body = () => ({ text: render(ctx.policy, 'target_missed', vars), title: `Target missed on #${inc.id}`, tone: 'warn' as const });
  postToIncident(ctx, inc.id, body);
  postToChannel(ctx, 'announcements', body, { incidentId: inc.id });
}
