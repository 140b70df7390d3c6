// The incident lifecycle: each function runs inside the caller's transaction and writes state,
// the timeline and the outgoing messages together.
import { eq, sql } from 'drizzle-orm';
import { prepared } from '../store/prepared.js';
import type { Platform } from './port.js';
import { defaultSeverity, findSeverity, severityRank, type Severity } from '../config/policy/index.js';
import { USAGE } from '../domain/commands.js';
import { formatMs } from '../domain/duration.js';
import { incidents } from '../store/tables.js';
import type { Actor } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { channelName, getIncident, type Incident, incidentVars, rolesOf, severityLabel, severityOf } from './incident-view.js';
import { announcementBody, declaredBody, resolvedBody, updateBody } from './messages.js';
import { openPhase, postPhase } from './checklists.js';
import { directMessage, postToChannel, postToIncident } from './outbox-writer.js';
import { cancelPages, openPagesOf, startPage } from './paging.js';
import { armAutoEscalation } from './auto-escalate.js';
import { afterChange, nextUpdateText } from './cadence.js';
import { formatDue, postmortemDue, postPostmortemDraft } from './postmortem.js';
import { cancelIncidentTimers } from './timers.js';
import { addTimeline } from './timeline.js';
import { own } from '../domain/own.js';
import { formatLabels, labelsMatch, type Labels } from '../domain/incident-labels.js';
import { fillEmptyRoles, fillRolesAtDeclaration, handOver, invite, rolesLine } from './roles.js';
import { armRoleGrace } from './role-grace.js';
import { refreshSpace } from './space.js';

export { refreshSpace };

export type Status = 'investigating' | 'identified' | 'monitoring';

const p = (name: string) => sql.placeholder(name);
/**
 * Every declaration (chat, API, alerts, support) inserts through this, prepared once. `labels` is
 * bound as JSON text or NULL (a placeholder through the JSON column would store the text 'null').
 */
const insertIncident = prepared((tx) =>
  tx
    .insert(incidents)
    .values({
      title: p('title'),
      description: p('description'),
      severity: p('severity'),
      status: 'investigating',
      declaredAt: p('declaredAt'),
      declaredBy: p('declaredBy'),
      lastUpdateAt: p('declaredAt'),
      sourceLink: p('sourceLink'),
      labels: sql`${p('labels')}`,
    })
    .returning()
    .prepare(),
);

/** Public severities put their lifecycle events on the status page, in customer wording. */
function shownIf(sev: Severity, text: string, status?: string): { text: string; status?: string } | undefined {
  return sev.public ? { text, status } : undefined;
}

export function requireSeverity(ctx: Ctx, name: string): Severity {
  const s = findSeverity(ctx.policy, name);
  if (!s) {
    const known = ctx.policy.severities.map((x) => [x.id, ...x.aliases].join('/')).join(', ');
    throw new UserError('invalid', `Unknown severity "${name}". Known: ${known}.`);
  }
  return s;
}

export type DeclareInput = { title: string; severity?: string; description?: string; sourceLink?: string; labels?: Labels };

export async function declare(ctx: Ctx, actor: Actor, input: DeclareInput): Promise<Incident> {
  const title = input.title.trim();
  if (!title) throw new UserError('invalid', 'An incident needs a title.', USAGE.declare);
  if (title.length > 200) throw new UserError('invalid', 'The title is longer than 200 characters; keep it short and put detail in an update.');
  const sev = input.severity ? requireSeverity(ctx, input.severity) : defaultSeverity(ctx.policy);
  const labels = input.labels && Object.keys(input.labels).length ? input.labels : null;
  const inc = (
    await insertIncident(ctx.tx).execute({
      title,
      description: input.description?.trim() || null,
      severity: sev.id,
      declaredAt: ctx.now,
      declaredBy: actor.id,
      sourceLink: input.sourceLink ?? null,
      labels: labels && JSON.stringify(labels),
    })
  )[0];
  const labelled = inc.labels ? ` (labels: ${formatLabels(inc.labels)})` : '';
  await addTimeline(ctx, inc.id, 'declared', actor.id, `Declared ${severityLabel(sev)} by ${actor.name}: ${title}${labelled}`, shownIf(sev, `Declared as ${severityLabel(sev)}: ${title}`, 'investigating'));
  // Every source (chat, API, support escalation, alerts) declares here, so all of them get the
  // policy's role holders in this transaction, before the first message and the topic are written.
  const holders = await fillRolesAtDeclaration(ctx, inc, sev, actor);
  const vars = incidentVars(ctx.policy, inc, await rolesOf(ctx.tx, inc.id));
  const roles = await rolesLine(ctx, inc, sev);
  const checklist = await openPhase(ctx, inc, sev, 'declared');
  await postToIncident(ctx, inc.id, () => ({ ...declaredBody(ctx.policy, vars, sev, roles, checklist.lines), actions: checklist.buttons }));
  await invite(ctx, inc.id, [actor.id, ...holders]);
  await postToChannel(ctx, 'announcements', (p) => announcementBody(vars, spaceLink(p, inc)), { incidentId: inc.id });
  await notify(ctx, sev, (p) => announcementBody(vars, spaceLink(p, inc)), inc);
  // Klaxon's own switches never stop pages (SPEC §9): a responder who turns automation off
  // during one incident must not leave the next Sev-1 paging nobody.
  if (sev.page) await startPage(ctx, inc, { policy: sev.page }, 'klaxon');
  await armAutoEscalation(ctx, inc);
  await armRoleGrace(ctx, inc);
  await afterChange(ctx, inc, 'declared');
  return inc;
}

/**
 * How a message outside the incident names its channel: Slack and Discord get a clickable
 * `<#id>` that the dispatcher fills in once the channel or thread exists.
 */
function spaceLink(p: Platform, inc: Incident): string {
  return p === 'console' ? `#${channelName(inc)}` : '<#incident>';
}

/**
 * `notify` entries are channel keys (posted to) or policy groups (each member is DMed); an entry
 * with `labels` applies only to incidents carrying them.
 */
async function notify(ctx: Ctx, sev: Severity, bodyFor: Parameters<typeof postToChannel>[2], inc: Incident): Promise<void> {
  const incidentId = inc.id;
  const keys = sev.notify.flatMap((n) => (typeof n === 'string' ? [n] : labelsMatch(inc.labels, n.labels) ? [n.to] : []));
  // Every declaration is announced already; notify adds the other channels and groups, each once.
  for (const key of [...new Set(keys)].filter((k) => k !== 'announcements')) {
    const members = own(ctx.policy.groups, key);
    if (members) {
      for (const m of members) if (!m.includes(':')) await directMessage(ctx, m, bodyFor, { incidentId });
    } else await postToChannel(ctx, key, bodyFor, { incidentId });
  }
}


function requireOpen(inc: Incident): void {
  if (inc.status === 'resolved') throw new UserError('conflict', `#${inc.id} is resolved; it takes no more updates. Declare a new incident if it is back.`);
}

export async function update(ctx: Ctx, actor: Actor, inc: Incident, status: Status | undefined, text: string): Promise<Incident> {
  requireOpen(inc);
  if (!text.trim()) throw new UserError('invalid', 'An update needs some text.', USAGE.update);
  const newStatus = status ?? inc.status;
  const patch: Partial<Incident> = { status: newStatus as Incident['status'], lastUpdateAt: ctx.now };
  if (newStatus === 'monitoring' && !inc.mitigatedAt) patch.mitigatedAt = ctx.now;
  await ctx.tx.update(incidents).set(patch).where(eq(incidents.id, inc.id));
  const next = (await getIncident(ctx.tx, inc.id))!;
  const sev = severityOf(ctx.policy, next);
  const statusNote = newStatus !== inc.status ? ` (${inc.status} → ${newStatus})` : '';
  await addTimeline(ctx, inc.id, 'update', actor.id, `${actor.name}${statusNote}: ${text}`, shownIf(sev, text, newStatus));
  const vars = { ...incidentVars(ctx.policy, next, await rolesOf(ctx.tx, inc.id)), text, details: text, next_update: await nextUpdateText(ctx, next) };
  await postToIncident(ctx, inc.id, () => updateBody(ctx.policy, vars, sev));
  if (patch.mitigatedAt) await postPhase(ctx, next, sev, 'mitigated');
  if (newStatus !== inc.status) await refreshSpace(ctx, next);
  await afterChange(ctx, next, newStatus !== inc.status ? 'status' : 'update');
  return next;
}

export async function changeSeverity(ctx: Ctx, actor: Actor, inc: Incident, name: string): Promise<Incident> {
  requireOpen(inc);
  const sev = requireSeverity(ctx, name);
  if (sev.id === inc.severity) throw new UserError('conflict', `#${inc.id} is already ${severityLabel(sev)}.`);
  const raised = severityRank(ctx.policy, sev.id) < severityRank(ctx.policy, inc.severity);
  await ctx.tx.update(incidents).set({ severity: sev.id }).where(eq(incidents.id, inc.id));
  const next = (await getIncident(ctx.tx, inc.id))!;
  const from = severityLabel(severityOf(ctx.policy, inc));
  await addTimeline(ctx, inc.id, 'severity', actor.id, `${actor.name} changed severity ${from} → ${severityLabel(sev)}`, shownIf(sev, `Severity changed: ${from} → ${severityLabel(sev)}`));
  await postToIncident(ctx, inc.id, () => ({ text: `Severity ${raised ? 'raised' : 'lowered'}: ${from} → ${severityLabel(sev)} (by ${actor.name}).`, tone: raised ? 'alert' : 'info' }));
  if (raised) {
    const vars = incidentVars(ctx.policy, next, await rolesOf(ctx.tx, inc.id));
    await notify(ctx, sev, (p) => announcementBody(vars, spaceLink(p, next)), next);
    const alreadyPaging = (await openPagesOf(ctx, inc.id)).some((p) => p.policy === sev.page);
    if (sev.page && !alreadyPaging) await startPage(ctx, next, { policy: sev.page }, 'klaxon');
  }
  await fillEmptyRoles(ctx, next, sev);
  await refreshSpace(ctx, next);
  await armAutoEscalation(ctx, next);
  await armRoleGrace(ctx, next);
  await afterChange(ctx, next, 'severity');
  return next;
}

/** `role commander @bob`; returns the role's name as the policy spells it. */
export async function assignRole(ctx: Ctx, actor: Actor, inc: Incident, role: string, person: string): Promise<string> {
  requireOpen(inc);
  return await handOver(ctx, actor, inc, role, person);
}

export async function resolve(ctx: Ctx, actor: Actor, inc: Incident, summary: string): Promise<Incident> {
  requireOpen(inc);
  if (!summary.trim()) throw new UserError('invalid', 'Resolving needs a summary of what fixed it.', USAGE.resolve);
  const sev = severityOf(ctx.policy, inc);
  const cancelled = await cancelPages(ctx, inc);
  await cancelIncidentTimers(ctx, inc.id);
  const duration = formatMs(ctx.now.getTime() - inc.declaredAt.getTime());
  const pmDue = await postmortemDue(ctx, inc);
  await ctx.tx
    .update(incidents)
    .set({ status: 'resolved', resolvedAt: ctx.now, summary, lastUpdateAt: ctx.now, mitigatedAt: inc.mitigatedAt ?? ctx.now, postmortemDueAt: pmDue })
    .where(eq(incidents.id, inc.id));
  const next = (await getIncident(ctx.tx, inc.id))!;
  await addTimeline(ctx, inc.id, 'resolved', actor.id, `Resolved by ${actor.name} after ${duration}: ${summary}${cancelled ? ` (${cancelled} open page(s) cancelled)` : ''}`, shownIf(sev, summary, 'resolved'));
  const vars = {
    ...incidentVars(ctx.policy, next, await rolesOf(ctx.tx, inc.id)),
    summary,
    duration,
    total_time: duration,
    postmortem: pmDue ? `due ${formatDue(ctx, pmDue)}` : 'not required',
  };
  await postToIncident(ctx, inc.id, () => resolvedBody(ctx.policy, vars, sev));
  await postPhase(ctx, next, sev, 'resolved');
  if (pmDue) await postPostmortemDraft(ctx, next);
  await postToChannel(ctx, 'announcements', () => ({ text: `✅ Resolved: #${inc.id} ${inc.title} after ${duration}. ${summary}`, tone: 'good' }), { incidentId: inc.id });
  await refreshSpace(ctx, next);
  await afterChange(ctx, next, 'resolved');
  return next;
}
