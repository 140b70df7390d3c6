// Postmortem obligations: whether a resolved incident needs one, when it is due, and reminders.
import { eq } from 'drizzle-orm';
import { formatMs } from '../config/duration.js';
import { incidents } from '../store/schema.js';
import type { Actor } from './actor.js';
import { after } from './cadence.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, getIncident, type Incident, incidentVars, rolesOf, severityOf } from './incident-view.js';
import { render } from './messages.js';
import { directMessage, postToIncident } from './outbox-writer.js';
import { cancelIncidentTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';

/** Reminders go to the commander this often until the postmortem is marked done. */
const REMINDER_EVERY_MS = 24 * 3600_000;

export function postmortemRequired(ctx: Ctx, inc: Incident): boolean {
  const pm = severityOf(ctx.policy, inc).postmortem;
  if (!pm) return false;
  if (pm.required) return true;
  const longer = pm.required_if_longer_than;
  return !!longer && ctx.now >= after(ctx, inc.declaredAt, longer);
}

/** Called while resolving: the due date when a postmortem is required, with its reminder armed. */
export function postmortemDue(ctx: Ctx, inc: Incident): Date | null {
  if (!postmortemRequired(ctx, inc)) return null;
  const pm = severityOf(ctx.policy, inc).postmortem!;
  const due = pm.due ? after(ctx, ctx.now, pm.due) : new Date(ctx.now.getTime() + 5 * REMINDER_EVERY_MS);
  // First reminder a day before it is due (or at once when it is due sooner), then daily.
  const first = new Date(Math.max(ctx.now.getTime() + 3600_000, due.getTime() - REMINDER_EVERY_MS));
  scheduleTimer(ctx, 'postmortem_reminder', first, { incidentId: inc.id });
  return due;
}

export function formatDue(ctx: Ctx, at: Date): string {
  return formatTime(ctx.policy, at);
}

export function remindPostmortem(ctx: Ctx, incidentId: number): void {
  const inc = getIncident(ctx.tx, incidentId);
  if (!inc || !inc.postmortemDueAt || inc.postmortemDoneAt) return;
  const roles = rolesOf(ctx.tx, inc.id);
  const who = roles.commander ?? inc.declaredBy;
  const overdue = ctx.now > inc.postmortemDueAt;
  const vars = { ...incidentVars(ctx.policy, inc, roles), time: formatDue(ctx, inc.postmortemDueAt) + (overdue ? ` (overdue by ${formatMs(ctx.now.getTime() - inc.postmortemDueAt.getTime())})` : '') };
  directMessage(ctx, who, (_p, at) => ({ text: render(ctx.policy, 'postmortem_reminder', { ...vars, person: at(who) }), tone: 'warn' }), { incidentId: inc.id });
  postToIncident(ctx, inc.id, (_p, at) => ({ text: render(ctx.policy, 'postmortem_reminder', { ...vars, person: at(who) }), tone: 'warn' }), { priority: 2 });
  addTimeline(ctx, inc.id, 'postmortem_reminder', 'klaxon', `Reminded ${who} about the postmortem due ${vars.time}`);
  scheduleTimer(ctx, 'postmortem_reminder', new Date(ctx.now.getTime() + REMINDER_EVERY_MS), { incidentId: inc.id });
}

export function markPostmortemDone(ctx: Ctx, actor: Actor, inc: Incident, url: string): void {
  if (!/^https?:\/\/\S+$/.test(url)) throw new UserError(`"${url}" is not a link. Give the postmortem's URL.`, 'postmortem [#N] done <url>');
  if (inc.status !== 'resolved') throw new UserError(`#${inc.id} is still open; resolve it before closing its postmortem.`);
  ctx.tx.update(incidents).set({ postmortemUrl: url, postmortemDoneAt: ctx.now }).where(eq(incidents.id, inc.id)).run();
  cancelIncidentTimers(ctx, inc.id, ['postmortem_reminder']);
  const onTime = !inc.postmortemDueAt || ctx.now <= inc.postmortemDueAt;
  addTimeline(ctx, inc.id, 'postmortem', actor.id, `Postmortem completed by ${actor.name}${onTime ? '' : ' (late)'}: ${url}`);
  postToIncident(ctx, inc.id, () => ({ text: `📝 Postmortem for #${inc.id} is done: ${url}`, tone: 'good' }));
}
