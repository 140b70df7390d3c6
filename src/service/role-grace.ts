// Required roles (`required_roles`, `role_grace`): an incident still missing one of them a grace
// period after its declaration is nudged once in its channel, mentioning whoever is on call, and
// the miss is recorded on the timeline as `role_missed:<role>`, which `stats` counts. The check
// is a timer row, so a restart neither loses nor repeats it.
import { asc, eq } from 'drizzle-orm';
import { formatMs } from '../domain/duration.js';
import { policyCalendar } from '../config/policy/index.js';
import { addDuration } from '../domain/business-time.js';
import { pageNotifications, pages } from '../store/tables.js';
import type { Ctx } from './context.js';
import { markedAt, setMark } from './marks.js';
import { getIncident, type Incident, rolesOf, severityOf } from './incident-view.js';
import { postToIncident } from './outbox-writer.js';
import { invite, roleRules } from './roles.js';
import { whoIsOnCall } from './oncall.js';
import { cancelIncidentTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';

export const ROLE_MISSED = 'role_missed:';

function graceOf(ctx: Ctx, inc: Incident) {
  return severityOf(ctx.policy, inc).role_grace ?? ctx.policy.role_grace;
}

/** The nudge happens once per incident, whatever severity changes follow it. */
async function nudgedAlready(ctx: Ctx, incidentId: number): Promise<boolean> {
  return (await markedAt(ctx, incidentId, 'role_nudge')) !== null;
}

/** On declaration and each severity change: one pending check at declaration + grace, if the severity requires roles. */
export async function armRoleGrace(ctx: Ctx, inc: Incident): Promise<void> {
  await cancelIncidentTimers(ctx, inc.id, ['role_grace']);
  if (inc.status === 'resolved' || severityOf(ctx.policy, inc).required_roles.length === 0 || (await nudgedAlready(ctx, inc.id))) return;
  const due = addDuration(inc.declaredAt, graceOf(ctx, inc), policyCalendar(ctx.policy));
  // A severity raised after the grace ran out is checked at once.
  await scheduleTimer(ctx, 'role_grace', due < ctx.now ? ctx.now : due, { incidentId: inc.id });
}

/**
 * Who the nudge mentions: whoever is on call for the schedules the empty roles come from, else
 * the people this incident's pages reached (out of hours that is the out-of-hours tier, not the
 * day rota).
 */
async function onCallFor(ctx: Ctx, inc: Incident, roles: string[]): Promise<string[]> {
  const rules = roleRules(ctx.policy, severityOf(ctx.policy, inc));
  const people = new Set<string>();
  for (const role of roles) {
    for (const s of rules[role] ?? []) {
      const who = s.kind === 'schedule' ? (await whoIsOnCall(ctx.tx, ctx.policy, s.name, ctx.now)).person : null;
      if (who) people.add(who);
    }
  }
  if (people.size > 0) return [...people];
  const paged = (await ctx.tx
    .select({ person: pageNotifications.person })
    .from(pageNotifications)
    .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
    .where(eq(pages.incidentId, inc.id))
    .orderBy(asc(pageNotifications.id)));
  return [...new Set(paged.map((p) => p.person))];
}

/** The grace timer fell due: nudge once if a required role is still empty, and count each one missed. */
export async function checkRequiredRoles(ctx: Ctx, incidentId: number): Promise<void> {
  const inc = await getIncident(ctx.tx, incidentId);
  if (!inc || inc.status === 'resolved' || (await nudgedAlready(ctx, inc.id))) return;
  const sev = severityOf(ctx.policy, inc);
  const held = await rolesOf(ctx.tx, inc.id);
  const empty = sev.required_roles.filter((r) => !held[r]);
  if (empty.length === 0) return;
  await setMark(ctx, inc.id, 'role_nudge');
  const grace = graceOf(ctx, inc);
  const graceText = grace.kind === 'wall' ? formatMs(grace.ms) : grace.text;
  for (const role of empty) {
    await addTimeline(ctx, inc.id, `${ROLE_MISSED}${role}`, 'klaxon', `Nobody held the required ${role} role ${graceText} after the declaration`, undefined, sev.id);
  }
  const who = await onCallFor(ctx, inc, empty);
  // A Slack channel is members-only: the people mentioned join it first, as paged responders do.
  await invite(ctx, inc.id, who);
  await postToIncident(ctx, inc.id, (_p, at) => ({
    text: `⚠️ #${inc.id} still has no ${empty.join(' or ')} ${graceText} after it was declared.${who.length ? ` ${who.map(at).join(' ')}: you are on call.` : ''} Take it with \`role #${inc.id} ${empty[0]} @person\`.`,
    title: `#${inc.id} needs a ${empty[0]}`,
    tone: 'warn',
  }));
}
