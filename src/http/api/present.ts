// Incidents as the API shows them. Person fields are policy ids (stable for integrations) with
// display names alongside; tiers are 1-based as people say them ("tier 2"); times are ISO UTC.
import { asc, eq, inArray } from 'drizzle-orm';
import type { Policy } from '../../config/policy/index.js';
import { findSeverity } from '../../config/policy/index.js';
import { personName } from '../../service/actor.js';
import type { Incident } from '../../service/incident-view.js';
import { timelineOf } from '../../service/timeline.js';
import { inChunks } from '../../store/chunks.js';
import type { Db } from '../../store/db.js';
import { pageNotifications, pages } from '../../store/tables.js';
import { iso } from '../json.js';

export function incidentJson(policy: Policy, inc: Incident, roles: Record<string, string>) {
  const sev = findSeverity(policy, inc.severity);
  return {
    number: inc.id,
    title: inc.title,
    description: inc.description,
    severity: inc.severity,
    severityName: sev?.name ?? inc.severity,
    status: inc.status,
    declaredAt: iso(inc.declaredAt),
    declaredBy: inc.declaredBy,
    acknowledgedAt: iso(inc.acknowledgedAt),
    mitigatedAt: iso(inc.mitigatedAt),
    resolvedAt: iso(inc.resolvedAt),
    lastUpdateAt: iso(inc.lastUpdateAt),
    commander: roles.commander ?? null,
    roles: Object.fromEntries(Object.entries(roles).map(([role, id]) => [role, { id, name: personName(policy, id) }])),
    summary: inc.summary,
    link: inc.sourceLink,
    public: sev?.public ?? false,
    targetsMissed: inc.targetsMissed,
    labels: inc.labels ?? {},
    components: inc.components ?? [],
    postmortem: { dueAt: iso(inc.postmortemDueAt), doneAt: iso(inc.postmortemDoneAt), url: inc.postmortemUrl },
  };
}

export async function timelineJson(db: Db, incidentId: number) {
  return (await timelineOf(db, incidentId)).map((e) => ({ at: iso(e.at), kind: e.kind, actor: e.actor, text: e.text, public: e.public }));
}

export async function pagesJson(db: Db, incidentId: number) {
  const rows = (await db.select().from(pages).where(eq(pages.incidentId, incidentId)).orderBy(asc(pages.id)));
  const notes = (
    await inChunks(rows.map((p) => p.id), async (slice) => await db.select().from(pageNotifications).where(inArray(pageNotifications.pageId, slice)))
  ).sort((a, b) => a.id - b.id);
  return rows.map((p) => ({
    id: p.id,
    policy: p.policy,
    target: p.target,
    status: p.status,
    tier: p.tier + 1,
    round: p.cycle + 1,
    createdAt: iso(p.createdAt),
    acknowledgedAt: iso(p.acknowledgedAt),
    acknowledgedBy: p.acknowledgedBy,
    closedAt: iso(p.closedAt),
    notified: notes.filter((n) => n.pageId === p.id).map((n) => ({ person: n.person, tier: n.tier + 1, round: n.cycle + 1, at: iso(n.notifiedAt) })),
  }));
}
