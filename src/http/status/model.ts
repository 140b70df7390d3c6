// What the public may see right now, read once per request and shared by /status, /status.json
// and the Atom feed so the three can never disagree.
import { and, desc, eq, gte, inArray, ne, or } from 'drizzle-orm';
import { findSeverity, type Policy, severityRank } from '../../config/policy/index.js';
import type { Db } from '../../store/db.js';
import { incidents, timelineEvents } from '../../store/schema.js';
import { type Day, dayBars, historyStart } from './days.js';
import { publicText, type Status } from './public-text.js';
import { isPubliclyVisible } from './visibility.js';

export type PublicSeverity = { id: string; name: string; rank: number };
/** `status` is the incident's status as of this update (carried forward from earlier ones). */
export type PublicUpdate = { id: number; at: Date; kind: string; status: Status; text: string };
export type PublicIncident = {
  number: number;
  title: string;
  severity: PublicSeverity;
  status: string;
  declaredAt: Date;
  resolvedAt: Date | null;
  /** Newest first. */
  updates: PublicUpdate[];
};

export type StatusModel = {
  title: string;
  now: Date;
  timezone: string;
  open: PublicIncident[];
  /** Resolved within the history window, most recently resolved first. */
  resolved: PublicIncident[];
  days: Day[];
  /** Severities that can appear publicly, most severe first (the legend). */
  severities: PublicSeverity[];
};

export function statusTitle(policy: Policy): string {
  return policy.status_page?.title ?? (policy.name ? `${policy.name} status` : 'Service status');
}

function publicSeverity(policy: Policy, id: string): PublicSeverity {
  const s = findSeverity(policy, id);
  return { id: s?.id ?? id, name: s?.name ?? s?.id ?? id, rank: severityRank(policy, id) };
}

/** Events newest first in, updates newest first out; statuses are carried forward oldest first. */
function publicUpdates(events: { id: number; at: Date; kind: string; text: string; publicText: string | null; status: string | null }[]): PublicUpdate[] {
  let status: Status = 'investigating';
  const out: PublicUpdate[] = [];
  for (const e of [...events].reverse()) {
    const p = publicText(e);
    status = p.status ?? status;
    out.push({ id: e.id, at: e.at, kind: e.kind, status, text: p.text });
  }
  return out.reverse();
}

export function loadStatus(db: Db, policy: Policy, now: Date): StatusModel {
  const from = historyStart(now, policy.timezone);
  const candidates = db
    .select()
    .from(incidents)
    .where(or(ne(incidents.status, 'resolved'), gte(incidents.resolvedAt, from)))
    .all()
    .filter((i) => isPubliclyVisible(policy, i, now));

  const ids = candidates.map((i) => i.id);
  const events = ids.length
    ? db
        .select()
        .from(timelineEvents)
        .where(and(inArray(timelineEvents.incidentId, ids), eq(timelineEvents.public, true)))
        .orderBy(desc(timelineEvents.at), desc(timelineEvents.id))
        .all()
    : [];

  const shown: PublicIncident[] = candidates.map((i) => ({
    number: i.id,
    title: i.title,
    severity: publicSeverity(policy, i.severity),
    status: i.status,
    declaredAt: i.declaredAt,
    resolvedAt: i.resolvedAt,
    updates: publicUpdates(events.filter((e) => e.incidentId === i.id)),
  }));

  const open = shown.filter((i) => i.status !== 'resolved').sort((a, b) => a.severity.rank - b.severity.rank || a.declaredAt.getTime() - b.declaredAt.getTime());
  const resolved = shown.filter((i) => i.status === 'resolved').sort((a, b) => b.resolvedAt!.getTime() - a.resolvedAt!.getTime());
  const days = dayBars(
    shown.map((i) => ({ number: i.number, severityRank: i.severity.rank, declaredAt: i.declaredAt, resolvedAt: i.resolvedAt })),
    now,
    policy.timezone,
  );
  const severities = policy.severities.filter((s) => s.public).map((s) => publicSeverity(policy, s.id));
  return { title: statusTitle(policy), now, timezone: policy.timezone, open, resolved, days, severities };
}
