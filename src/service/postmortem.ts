// Postmortem obligations: whether a resolved incident needs one, when it is due, the draft posted
// in its channel, reminders to the commander, and `postmortem done <url>`.
import { eq } from 'drizzle-orm';
import { unwrapLink } from '../domain/commands.js';
import { formatMs, parseDuration } from '../domain/duration.js';
import { incidents } from '../store/tables.js';
import type { Actor } from './actor.js';
import { after } from './cadence.js';
import { readSwitches, type Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, getIncident, type Incident, incidentVars, rolesOf, severityLabel, severityOf } from './incident-view.js';
import { render } from './messages.js';
import { directMessage, postToIncident } from './outbox-writer.js';
import { renderPostmortem } from './postmortem-draft.js';
import type { Reply } from './reply.js';
import { cancelIncidentTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';

/** When the severity asks for a postmortem without saying by when (runbook 004 names no deadline). */
const DEFAULT_DUE = parseDuration('5 business days')!;
/** Reminders come once a business day, so none lands at night, at a weekend or on a holiday. */
const REMINDER_EVERY = parseDuration('1 business day')!;

const USAGE_DONE = 'postmortem [#N] done <url>';

/** Required by the severity, or because the incident lasted longer than `required_if_longer_than`. */
function postmortemRequired(ctx: Pick<Ctx, 'policy' | 'now'>, inc: Incident): boolean {
  const pm = severityOf(ctx.policy, inc).postmortem;
  if (!pm) return false;
  if (pm.required) return true;
  const longer = pm.required_if_longer_than;
  const end = inc.resolvedAt ?? ctx.now;
  // "Any incident lasting >4 hours" (runbook 003): exactly 4h does not need one.
  return !!longer && end > after(ctx, inc.declaredAt, longer);
}

/** The due date counted from `from` (resolution) on the policy's calendar. */
function dueFrom(ctx: Pick<Ctx, 'policy'>, inc: Incident, from: Date): Date {
  return after(ctx, from, severityOf(ctx.policy, inc).postmortem?.due ?? DEFAULT_DUE);
}

/** The next reminder after `from`: a business day later, or the due moment itself if that is sooner. */
function nextReminderAt(ctx: Pick<Ctx, 'policy'>, from: Date, due: Date): Date {
  const daily = after(ctx, from, REMINDER_EVERY);
  return due > from && due < daily ? due : daily;
}

/**
 * Called by resolve() before it writes the resolution: when a postmortem is required, returns its
 * due date with the first reminder armed; null otherwise.
 */
export async function postmortemDue(ctx: Ctx, inc: Incident): Promise<Date | null> {
  if (!postmortemRequired(ctx, inc)) return null;
  const due = dueFrom(ctx, inc, ctx.now);
  await scheduleTimer(ctx, 'postmortem_reminder', nextReminderAt(ctx, ctx.now, due), { incidentId: inc.id });
  return due;
}

export function formatDue(ctx: Pick<Ctx, 'policy'>, at: Date): string {
  return formatTime(ctx.policy, at);
}

/** Posts the markdown draft in the incident's channel (on resolve, and on `postmortem #N`). */
export async function postPostmortemDraft(ctx: Ctx, inc: Incident): Promise<void> {
  const text = await renderPostmortem(ctx.tx, ctx.policy, inc, ctx.now);
  await postToIncident(ctx, inc.id, () => ({ text, title: `Postmortem draft for #${inc.id}`, tone: 'info' }));
}

/**
 * `postmortem [#N]`: posts the draft. On a resolved incident that has none yet (an optional
 * severity, runbook 002's repeated SEV-2) it also opens one: due date and reminders as if required.
 */
export async function postmortemCommand(ctx: Ctx, inc: Incident): Promise<Reply> {
  let current = inc;
  let opened = false;
  if (inc.status === 'resolved' && !inc.postmortemDueAt && !inc.postmortemDoneAt) {
    const due = dueFrom(ctx, inc, ctx.now);
    await ctx.tx.update(incidents).set({ postmortemDueAt: due }).where(eq(incidents.id, inc.id));
    await cancelIncidentTimers(ctx, inc.id, ['postmortem_reminder']);
    await scheduleTimer(ctx, 'postmortem_reminder', nextReminderAt(ctx, ctx.now, due), { incidentId: inc.id });
    await addTimeline(ctx, inc.id, 'postmortem', null, `Postmortem opened, due ${formatDue(ctx, due)}`);
    current = (await getIncident(ctx.tx, inc.id))!;
    opened = true;
  }
  await postPostmortemDraft(ctx, current);
  const state = current.postmortemDoneAt
    ? `It was completed: ${current.postmortemUrl}.`
    : current.postmortemDueAt
      ? `${opened ? 'Opened; it is' : 'It is'} due ${formatDue(ctx, current.postmortemDueAt)}. Mark it done with \`postmortem #${inc.id} done <url>\`.`
      : 'The incident is still open; the postmortem is opened when it is resolved.';
  return { ok: true, text: `Posted the postmortem draft for #${inc.id} in its channel. ${state}` };
}

/** The reminder timer fell due: remind the commander and arm the next one, until it is done. */
export async function remindPostmortem(ctx: Ctx, incidentId: number): Promise<void> {
  const inc = await getIncident(ctx.tx, incidentId);
  if (!inc || !inc.postmortemDueAt || inc.postmortemDoneAt) return;
  const due = inc.postmortemDueAt;
  const roles = await rolesOf(ctx.tx, inc.id);
  const who = roles.commander ?? inc.declaredBy;
  const overdue = ctx.now > due;
  const time = formatDue(ctx, due) + (overdue ? ` (overdue by ${formatMs(ctx.now.getTime() - due.getTime())})` : '');
  const vars = { ...incidentVars(ctx.policy, inc, roles), time };
  const body = (_p: unknown, at: (person: string) => string) => ({
    text: render(ctx.policy, 'postmortem_reminder', { ...vars, person: at(who) }),
    title: `Postmortem for #${inc.id} ${overdue ? 'overdue' : 'due'}`,
    tone: 'warn' as const,
  });
  // A DM reaches the commander wherever they are; safe mode holds back automatic posts outside
  // incident channels, and some commanders have no DM route, so then the incident channel it is.
  const dmed = (await readSwitches(ctx.tx)).safeMode ? 0 : (await directMessage(ctx, who, body, { incidentId: inc.id }));
  if (dmed === 0) await postToIncident(ctx, inc.id, body);
  await addTimeline(ctx, inc.id, 'postmortem_reminder', 'klaxon', `Reminded ${who} about the postmortem due ${time}`);
  await scheduleTimer(ctx, 'postmortem_reminder', nextReminderAt(ctx, ctx.now, due), { incidentId: inc.id });
}

export async function markPostmortemDone(ctx: Ctx, actor: Actor, inc: Incident, rawUrl: string): Promise<void> {
  const url = unwrapLink(rawUrl) ?? rawUrl.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) throw new UserError('invalid', `"${rawUrl}" is not a link. Give the postmortem's URL.`, USAGE_DONE);
  if (inc.status !== 'resolved') throw new UserError('conflict', `#${inc.id} is still open; resolve it before closing its postmortem.`);
  await cancelIncidentTimers(ctx, inc.id, ['postmortem_reminder']);
  if (inc.postmortemDoneAt) {
    // A corrected link keeps the original completion time, so on-time stats do not change.
    await ctx.tx.update(incidents).set({ postmortemUrl: url }).where(eq(incidents.id, inc.id));
    await addTimeline(ctx, inc.id, 'postmortem', actor.id, `Postmortem link changed by ${actor.name}: ${url}`);
    await postToIncident(ctx, inc.id, () => ({ text: `📝 Postmortem for #${inc.id} moved to ${url}`, tone: 'info' }));
    return;
  }
  await ctx.tx.update(incidents).set({ postmortemUrl: url, postmortemDoneAt: ctx.now }).where(eq(incidents.id, inc.id));
  const due = inc.postmortemDueAt;
  const late = due && ctx.now > due ? ` (${formatMs(ctx.now.getTime() - due.getTime())} after it was due)` : '';
  await addTimeline(ctx, inc.id, 'postmortem', actor.id, `Postmortem completed by ${actor.name}${late}: ${url}`);
  const sev = severityLabel(severityOf(ctx.policy, inc));
  await postToIncident(ctx, inc.id, () => ({ text: `📝 Postmortem for #${inc.id} (${sev} - ${inc.title}) is done${late}: ${url}`, tone: 'good' }));
}
