// Read-only answers: status, list, timeline, on-call, stats, help. (The postmortem draft is postmortem.ts.)
import { parseDuration, type Duration } from '../domain/duration.js';
import { helpText, USAGE } from '../domain/commands.js';
import { personName } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, type Incident, listRows, type ListRow, rolesOf, severityLabel, severityOf } from './incident-view.js';
import { whoIsOnCall } from './oncall.js';
import type { Reply } from './reply.js';
import { formatStats, statsReport } from './stats-report.js';
import { timelineOf } from './timeline.js';
import { hasOwnKey } from '../domain/own.js';
import { checklistLines } from './checklists.js';
import { formatLabels } from '../domain/incident-labels.js';

export async function status(ctx: Ctx, inc: Incident): Promise<Reply> {
  const roles = await rolesOf(ctx.tx, inc.id);
  const sev = severityOf(ctx.policy, inc);
  const fields = [
    { label: 'Severity', value: severityLabel(sev) },
    { label: 'Status', value: inc.status },
    { label: 'Declared', value: formatTime(ctx.policy, inc.declaredAt) },
    { label: 'Acknowledged', value: formatTime(ctx.policy, inc.acknowledgedAt) },
    { label: 'Mitigated', value: formatTime(ctx.policy, inc.mitigatedAt) },
    { label: 'Resolved', value: formatTime(ctx.policy, inc.resolvedAt) },
    ...(inc.eta ? [{ label: 'ETA', value: inc.eta }] : []),
    ...(inc.rootCause ? [{ label: 'Root cause', value: inc.rootCause }] : []),
    ...(inc.components?.length ? [{ label: 'Components', value: inc.components.join(', ') }] : []),
    ...(inc.labels ? [{ label: 'Labels', value: formatLabels(inc.labels) }] : []),
    ...Object.entries(roles).map(([role, p]) => ({ label: role, value: personName(ctx.policy, p) })),
  ];
  const title = `#${inc.id} ${inc.title}`;
  const checklist = await checklistLines(ctx.tx, ctx.policy, inc.id);
  const text = [title, ...fields.map((f) => `${f.label}: ${f.value}`), ...checklist].join('\n');
  return { ok: true, text, body: { text, title, fields, ...(checklist.length ? { lines: checklist } : {}), tone: inc.status === 'resolved' ? 'good' : 'alert' } };
}

export async function list(ctx: Ctx): Promise<Reply> {
  const rows = await listRows(ctx.tx, 10);
  if (rows.length === 0) return { ok: true, text: 'No incidents yet.' };
  const open = rows.filter((r) => r.status !== 'resolved');
  // Of the ten latest incidents, the resolved ones, newest first.
  const recent = rows.filter((r) => r.status === 'resolved').reverse();
  const line = (i: ListRow) =>
    `#${i.id} [${severityLabel(severityOf(ctx.policy, i))}] ${i.status.padEnd(13)} ${i.title} — commander ${personName(ctx.policy, i.commander ?? undefined)}, declared ${formatTime(ctx.policy, i.declaredAt)}`;
  const lines = [`Open (${open.length}):`, ...open.map(line), ...(recent.length ? ['Recently resolved:', ...recent.map(line)] : [])];
  const text = lines.join('\n');
  return { ok: true, text, body: { text, title: 'Incidents', lines } };
}

export async function timeline(ctx: Ctx, inc: Incident): Promise<Reply> {
  const events = await timelineOf(ctx.tx, inc.id);
  const lines = events.map((e) => `${formatTime(ctx.policy, e.at)}  ${e.text}`);
  const text = [`Timeline of #${inc.id} ${inc.title}`, ...lines].join('\n');
  return { ok: true, text, body: { text, title: `Timeline of #${inc.id}`, lines } };
}

/** `oncall [schedule]`: who is on call for each schedule now, and until when. */
export async function oncall(ctx: Ctx, schedule?: string): Promise<Reply> {
  const names = schedule ? [schedule] : Object.keys(ctx.policy.schedules);
  if (names.length === 0) return { ok: true, text: 'The policy has no schedules.' };
  const lines: string[] = [];
  for (const name of names) {
    const who = await whoIsOnCall(ctx.tx, ctx.policy, name, ctx.now);
    const via = who.override ? ' (override)' : '';
    lines.push(`${name}: ${personName(ctx.policy, who.person)}${via} until ${formatTime(ctx.policy, who.until)}`);
  }
  return { ok: true, text: lines.join('\n') };
}

const DEFAULT_WINDOW = parseDuration('30d')!;

/** `stats [30d]`: runbook 003's KPIs by severity for incidents declared in the window. */
export async function stats(ctx: Ctx, window: Duration = DEFAULT_WINDOW): Promise<Reply> {
  if (window.kind !== 'wall') throw new UserError('invalid', 'Stats take a wall-clock window such as 30d or 12w.', USAGE.stats);
  const { title, lines, text } = formatStats(ctx.policy, await statsReport(ctx.tx, ctx.policy, ctx.now, window));
  return { ok: true, text, body: { text, title, lines } };
}

export function help(topic?: string): Reply {
  if (topic && hasOwnKey(USAGE, topic)) return { ok: true, text: `Usage: ${USAGE[topic as keyof typeof USAGE]}` };
  return { ok: true, text: helpText() };
}

