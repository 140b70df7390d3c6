// The markdown postmortem draft posted on resolve and printed by `klaxon postmortem N`.
import { asc, eq } from 'drizzle-orm';
import { formatMs } from '../config/duration.js';
import type { Policy } from '../config/policy.js';
import type { Db, Tx } from '../store/db.js';
import { pageNotifications, pages } from '../store/schema.js';
import { personName } from './actor.js';
import { formatTime, type Incident, rolesOf, severityLabel, severityOf } from './incident-view.js';
import { timelineOf } from './timeline.js';

const DEFAULT_SECTIONS = ['Root cause', 'What went well', "What didn't go well", 'Action items'];

export function renderPostmortem(tx: Tx | Db, policy: Policy, inc: Incident): string {
  const roles = rolesOf(tx, inc.id);
  const events = timelineOf(tx, inc.id);
  const end = inc.resolvedAt ?? undefined;
  const sevLabel = severityLabel(severityOf(policy, inc));
  const since = (at: Date | null) => (at ? formatMs(at.getTime() - inc.declaredAt.getTime()) : '—');
  const out: string[] = [
    `# Postmortem: #${inc.id} ${inc.title}`,
    '',
    '## Summary',
    `- Severity: ${sevLabel}`,
    `- Declared: ${formatTime(policy, inc.declaredAt)} by ${personName(policy, inc.declaredBy)}`,
    `- Acknowledged: ${formatTime(policy, inc.acknowledgedAt)} (after ${since(inc.acknowledgedAt)})`,
    `- Mitigated: ${formatTime(policy, inc.mitigatedAt)} (after ${since(inc.mitigatedAt)})`,
    `- Resolved: ${formatTime(policy, end)} (after ${since(inc.resolvedAt)})`,
    `- Resolution: ${inc.summary ?? '—'}`,
    inc.postmortemDueAt ? `- Postmortem due: ${formatTime(policy, inc.postmortemDueAt)}` : '- Postmortem: not required',
    '',
    '## Impact',
    inc.description ?? '_Describe who was affected, how, and for how long._',
    '',
    '## Severity history',
    ...events.filter((e) => e.kind === 'declared' || e.kind === 'severity').map((e) => `- ${formatTime(policy, e.at)} ${e.text}`),
    '',
    '## Roles',
    ...(Object.entries(roles).map(([r, p]) => `- ${r}: ${personName(policy, p)}`) || []),
    '',
    '## Pages and acknowledgements',
    ...pageLines(tx, policy, inc),
    '',
    `## Timeline (${policy.timezone})`,
    ...events.map((e) => `- ${formatTime(policy, e.at)} — ${e.text}`),
  ];
  for (const section of policy.postmortem?.sections ?? DEFAULT_SECTIONS) out.push('', `## ${section}`, '_To be written._');
  return out.join('\n');
}

function pageLines(tx: Tx | Db, policy: Policy, inc: Incident): string[] {
  const rows = tx.select().from(pages).where(eq(pages.incidentId, inc.id)).orderBy(asc(pages.id)).all();
  if (rows.length === 0) return ['- No pages.'];
  return rows.flatMap((p) => {
    const notes = tx.select().from(pageNotifications).where(eq(pageNotifications.pageId, p.id)).orderBy(asc(pageNotifications.id)).all();
    const who = notes.map((n) => `${personName(policy, n.person)} (tier ${n.tier + 1}${n.cycle ? `, repeat ${n.cycle}` : ''}, ${formatTime(policy, n.notifiedAt)})`);
    const outcome =
      p.status === 'acknowledged'
        ? `acknowledged by ${personName(policy, p.acknowledgedBy)} after ${formatMs(p.acknowledgedAt!.getTime() - p.createdAt.getTime())}`
        : p.status;
    return [`- ${p.policy ? `policy ${p.policy}` : p.target}: ${outcome}; notified ${who.join(', ') || 'nobody'}`];
  });
}
