import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { findSeverity, type Policy, type Severity } from '../config/policy/index.js';
import { incidentChannelName } from '../domain/slug.js';
import { inChunks } from '../store/chunks.js';
import { prepared } from '../store/prepared.js';
import { literalLimit } from '../store/limit.js';
import { OPEN_STATUSES } from '../store/settled-blocks.js';
import type { Db, Tx } from '../store/db.js';
import { incidents, roleAssignments } from '../store/tables.js';
import { personName } from './actor.js';
import { UserError } from './errors.js';

export type Incident = typeof incidents.$inferSelect;

const byId = prepared((tx) => tx.select().from(incidents).where(eq(incidents.id, sql.placeholder('id'))).prepare());
// An IN list of the open statuses uses the status index; `status != 'resolved'` read the whole table.
const open = prepared((tx) => tx.select().from(incidents).where(inArray(incidents.status, OPEN_STATUSES)).orderBy(asc(incidents.id)).prepare());
const rolesById = prepared((tx) => tx.select().from(roleAssignments).where(eq(roleAssignments.incidentId, sql.placeholder('id'))).prepare());

export async function getIncident(tx: Tx | Db, number: number): Promise<Incident | undefined> {
  return (await byId(tx).execute({ id: number }))[0];
}

export async function openIncidents(tx: Tx | Db): Promise<Incident[]> {
  return (await open(tx).execute());
}

/** A row of `list`: what its line shows, the commander included. */
export type ListRow = Pick<Incident, 'id' | 'title' | 'severity' | 'status' | 'declaredAt'> & { commander: string | null };

/**
 * `list` in one statement: the open incidents and the `recent` latest ones (of which the caller
 * shows the resolved), each with its commander. Every `list` runs it, so it is prepared once per
 * number of recent ones (a literal LIMIT, see literalLimit).
 */
export async function listRows(tx: Tx | Db, recent: number): Promise<ListRow[]> {
  let q = listByRecent.get(recent);
  if (!q) listByRecent.set(recent, (q = listQuery(recent)));
  return await q(tx).execute();
}

const listByRecent = new Map<number, ReturnType<typeof listQuery>>();
const listQuery = (recent: number) =>
  prepared((tx) =>
    tx
      .select({ id: incidents.id, title: incidents.title, severity: incidents.severity, status: incidents.status, declaredAt: incidents.declaredAt, commander: roleAssignments.person })
      .from(incidents)
      .leftJoin(roleAssignments, and(eq(roleAssignments.incidentId, incidents.id), eq(roleAssignments.role, 'commander')))
      .where(or(inArray(incidents.status, OPEN_STATUSES), inArray(incidents.id, tx.select({ id: incidents.id }).from(incidents).orderBy(desc(incidents.id)).limit(literalLimit(recent)))))
      .orderBy(asc(incidents.id))
      .prepare(),
  );

/**
 * The incident a command is about: the one named, else the one whose channel it came from, else
 * the only open one. Anything else is ambiguous and the caller is told which numbers exist.
 */
export async function resolveIncident(tx: Tx, named: number | undefined, fromChannel: number | undefined): Promise<Incident> {
  const number = named ?? fromChannel;
  if (number !== undefined) {
    const inc = await getIncident(tx, number);
    if (!inc) throw new UserError('not_found', `There is no incident #${number}.`);
    return inc;
  }
  const open = await openIncidents(tx);
  if (open.length === 1) return open[0];
  if (open.length === 0) throw new UserError('invalid', 'There is no open incident here. Name one with #N.');
  throw new UserError('invalid', `Which incident? Open: ${open.map((i) => `#${i.id}`).join(', ')}. Name one with #N.`);
}

export async function rolesOf(tx: Tx | Db, incidentId: number): Promise<Record<string, string>> {
  const rows = (await rolesById(tx).execute({ id: incidentId }));
  return Object.fromEntries(rows.map((r) => [r.role, r.person]));
}

export async function rolesFor(tx: Tx | Db, ids: number[]): Promise<Map<number, Record<string, string>>> {
  const out = new Map<number, Record<string, string>>();
  if (ids.length === 0) return out;
  for (const r of await inChunks(ids, async (slice) => await tx.select().from(roleAssignments).where(inArray(roleAssignments.incidentId, slice)))) {
    out.set(r.incidentId, { ...(out.get(r.incidentId) ?? {}), [r.role]: r.person });
  }
  return out;
}

/**
 * The policy's entry for an incident's severity. A past incident whose severity was since removed
 * from the policy still reads (list, timeline, postmortem) as an inert severity of that name; start-up
 * refuses a policy that drops a severity an open incident still has (see policy-drift.ts).
 */
export function severityOf(policy: Policy, inc: Pick<Incident, 'severity'>): Severity {
  const s = findSeverity(policy, inc.severity);
  if (s) return s;
  const last = policy.severities[policy.severities.length - 1];
  return {
    ...last,
    id: inc.severity,
    name: `${inc.severity} (no longer in the policy)`,
    aliases: [],
    page: undefined,
    targets: undefined,
    updates: undefined,
    postmortem: undefined,
    auto_escalate: undefined,
    notify: [],
    public: false,
    runbooks: [],
    checklist: [],
    roles: undefined,
    required_roles: [],
    role_grace: undefined,
  };
}

export function severityLabel(s: Severity): string {
  return s.name ?? s.id;
}

// One formatter per time zone: building a zoned DateTime for every time shown made `list` and
// `timeline` replies slow enough to show in the slash-command latency tail.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    formatters.set(zone, f);
  }
  return f;
}

// formatToParts is the costly part of a message (a fired nudge formats three or four times, most
// of them the same minute), so each zone keeps its recent minutes' texts. Keyed by the UTC minute:
// every zone's offset has been whole minutes since 1972, so a UTC minute is one local minute.
const formattedMinutes = new Map<string, Map<number, string>>();
const MAX_FORMATTED_MINUTES = 2048;

/** "2026-03-04 10:15 GMT" in the policy's zone. */
export function formatTime(policy: Policy, at: Date | null | undefined): string {
  if (!at) return '—';
  const zone = policy.timezone;
  let minutes = formattedMinutes.get(zone);
  if (!minutes) formattedMinutes.set(zone, (minutes = new Map()));
  const minute = Math.floor(at.getTime() / 60_000);
  let text = minutes.get(minute);
  if (text === undefined) {
    const p = Object.fromEntries(formatterFor(zone).formatToParts(at).map((x) => [x.type, x.value]));
    text = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
    if (minutes.size >= MAX_FORMATTED_MINUTES) minutes.clear();
    minutes.set(minute, text);
  }
  return text;
}

export function channelName(inc: Pick<Incident, 'id' | 'title'>): string {
  return incidentChannelName(inc.id, inc.title);
}

/** Template variables shared by every incident message. */
export function incidentVars(policy: Policy, inc: Incident, roles: Record<string, string>): Record<string, string | number> {
  const sev = severityOf(policy, inc);
  const commander = personName(policy, roles.commander);
  return {
    number: inc.id,
    incident_id: inc.id,
    title: inc.title,
    severity: severityLabel(sev),
    severity_name: severityLabel(sev),
    severity_description: sev.description ?? '',
    status: titleCase(inc.status),
    declared_at: formatTime(policy, inc.declaredAt),
    timestamp: formatTime(policy, inc.declaredAt),
    description: inc.description ?? inc.title,
    commander,
    engineer: commander,
    declarer: personName(policy, inc.declaredBy),
    link: inc.sourceLink ?? '',
    // Empty until given: a template line holding only these is left out rather than showing "—".
    eta: inc.eta ?? '',
    root_cause: inc.rootCause ?? '',
  };
}

export function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Who a nudge mentions: the comms lead when there is one, else the commander. */
export function nudgee(roles: Record<string, string>): string | undefined {
  const comms = Object.keys(roles).find((r) => /^comms?$|communicat/i.test(r));
  return (comms && roles[comms]) || roles.commander;
}
