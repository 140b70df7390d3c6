// What the public may see right now, shared by /status, /status.json and the Atom feed so the
// three can never disagree (routes.ts keeps one for the pages' max-age).
import { and, desc, eq, inArray } from 'drizzle-orm';
import { findSeverity, type Policy, severityRank } from '../../config/policy/index.js';
import { inChunks } from '../../store/chunks.js';
import type { Db } from '../../store/db.js';
import { incidents, timelineEvents } from '../../store/tables.js';

type TimelineEvent = typeof timelineEvents.$inferSelect;
import { type Day, dayBars } from './days.js';
import { PublicHistory, type PublicSpan } from './public-history.js';
import { atOnce, type Pace } from '../../store/settled-blocks.js';
import { publicText, type Status } from './public-text.js';

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
  /** Status page components it affects (`/incident components`), in the policy's order. */
  components: string[];
  /** Newest first. */
  updates: PublicUpdate[];
};

/** A policy component: fine, or affected by the worst open public incident naming it. */
export type PublicComponent = { name: string; affectedBy: PublicIncident[] };

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
  /** `status_page.components`, each with the open public incidents affecting it (worst first). */
  components: PublicComponent[];
};

export function statusTitle(policy: Policy): string {
  return policy.status_page?.title ?? (policy.name ? `${policy.name} status` : 'Service status');
}

function publicSeverity(policy: Policy, id: string): PublicSeverity {
  const s = findSeverity(policy, id);
  return { id: s?.id ?? id, name: s?.name ?? s?.id ?? id, rank: severityRank(policy, id) };
}

/**
 * Events newest first in, updates newest first out; statuses are carried forward oldest first.
 * Once the team has written for customers (`/incident public`), the responders' own `update`
 * texts stop being the public story: only the lifecycle events and the public updates show.
 */
function publicUpdates(events: { id: number; at: Date; kind: string; text: string; publicText: string | null; status: string | null }[]): PublicUpdate[] {
  let status: Status = 'investigating';
  const out: PublicUpdate[] = [];
  const curated = events.some((e) => e.kind === 'public_update');
  for (const e of [...events].reverse()) {
    if (curated && e.kind === 'update') continue;
    const p = publicText(e);
    status = p.status ?? status;
    out.push({ id: e.id, at: e.at, kind: e.kind, status, text: p.text });
  }
  return out.reverse();
}

/**
 * The newest resolved incidents shown (page, JSON and feed): a long history must not make every
 * request bigger. The 90-day strip still counts every public incident of each day.
 */
export const RESOLVED_SHOWN = 50;

/**
 * The RESOLVED_SHOWN most recently resolved, newest first (equal times: lower number first), from
 * a list in the order they were resolved: only its end is sorted, not the whole window.
 */
function newestResolved(all: PublicSpan[]): PublicSpan[] {
  let from = Math.max(0, all.length - RESOLVED_SHOWN);
  while (from > 0 && all[from - 1].resolvedAt!.getTime() === all[from].resolvedAt!.getTime()) from--;
  return all
    .slice(from)
    .sort((a, b) => b.resolvedAt!.getTime() - a.resolvedAt!.getTime() || a.number - b.number)
    .slice(0, RESOLVED_SHOWN);
}

export async function loadStatus(db: Db, policy: Policy, now: Date, history = new PublicHistory(), pace: Pace = atOnce): Promise<StatusModel> {
  // Only what the visibility rule and the 90-day strip need; titles are read only for the ones
  // shown. The resolved ones of ended days are kept between rebuilds (public-history.ts).
  const { open, resolved: all } = await history.visible(db, policy, now, pace);

  const resolved = newestResolved(all);
  const shownIds = [...open, ...resolved].map((i) => i.number);
  const details = new Map<number, { title: string; components: string[] | null }>();
  for (const d of await inChunks(shownIds, async (slice) =>
    await db.select({ id: incidents.id, title: incidents.title, components: incidents.components }).from(incidents).where(inArray(incidents.id, slice)),
  )) details.set(d.id, d);
  // Updates only for the incidents shown, each incident's by the timeline index.
  const events = new Map<number, TimelineEvent[]>();
  for (const e of (await inChunks(shownIds, async (slice) =>
    (await db
      .select()
      .from(timelineEvents)
      .where(and(inArray(timelineEvents.incidentId, slice), eq(timelineEvents.public, true)))
      .orderBy(desc(timelineEvents.at), desc(timelineEvents.id))),
  ))) {
    const list = events.get(e.incidentId) ?? [];
    list.push(e);
    events.set(e.incidentId, list);
  }
  const shown = (i: PublicSpan): PublicIncident => ({
    number: i.number,
    title: details.get(i.number)?.title ?? '',
    severity: publicSeverity(policy, i.severity),
    status: i.status,
    declaredAt: i.declaredAt,
    resolvedAt: i.resolvedAt,
    components: (policy.status_page?.components ?? []).filter((c) => details.get(i.number)?.components?.includes(c)),
    updates: publicUpdates(events.get(i.number) ?? []),
  });

  // The strip and the page (routes.ts) are a few ms each at 100k incidents a year: a turn each,
  // not one long turn with the reads above.
  await pace();
  const days = dayBars(open.concat(all), now, policy.timezone);
  const severities = policy.severities.filter((s) => s.public).map((s) => publicSeverity(policy, s.id));
  const openShown = open.map(shown).sort((a, b) => a.severity.rank - b.severity.rank || a.declaredAt.getTime() - b.declaredAt.getTime());
  const components = (policy.status_page?.components ?? []).map((name) => ({ name, affectedBy: openShown.filter((i) => i.components.includes(name)) }));
  return {
    title: statusTitle(policy),
    now,
    timezone: policy.timezone,
    open: openShown,
    resolved: resolved.map(shown),
    days,
    severities,
    components,
  };
}
