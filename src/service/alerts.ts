// Alerts in, incidents out (SPEC §8): the one place that decides whether an alert opens an
// incident, joins an open one, or resolves it. Parsers (src/integrations/) turn each source's body
// into an AlertBatch; the HTTP route authenticates and stores; everything here runs inside one
// transaction, so a crash leaves either the whole delivery applied or none of it.
import { and, count, eq, ne, sql } from 'drizzle-orm';
import { findSeverity } from '../config/policy/index.js';
import { formatMs } from '../domain/duration.js';
import type { Integration } from '../config/policy/integrations.js';
import { type AlertBatch, alertName, type AlertLink } from '../domain/alert.js';
import { labelsFromAlert, type Labels } from '../domain/incident-labels.js';
import { alertDeliveries, dialect, incidentAlerts, incidents, timers } from '../store/tables.js';
import type { Actor } from './actor.js';
import type { Ctx } from './context.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../store/db.js';
import { getIncident, type Incident } from './incident-view.js';
import { declare, resolve } from './incidents.js';
import { postToIncident } from './outbox-writer.js';
import { acknowledgePage, openPagesOf } from './paging.js';
import { acknowledgeIncident } from './targets.js';
import { addTimeline } from './timeline.js';
import { cancelKeyedTimers, scheduleTimer } from './timers.js';

/** What one delivery did, for the HTTP answer and the metrics. */
export type AlertOutcome = {
  outcome: 'opened' | 'updated' | 'repeat' | 'resolved' | 'noted' | 'acknowledged' | 'ignored' | 'flood';
  incident?: number;
  /** Alerts of this delivery that landed on an incident that was already open. */
  deduplicated: number;
};

/**
 * Who did it: the integration, by id. Its platform is "system", so declaring names no commander;
 * a person takes the role (or, later, a role rule assigns one).
 */
export function integrationActor(id: string): Actor {
  return { id: `integration:${id}`, name: id, platform: 'system' };
}

/** The group that collects alerts once an integration has `max_open` incidents open. */
export const FLOOD_GROUP = '__flood__';
export const HEARTBEAT_GROUP = 'heartbeat';
const LISTED = 10;

export async function openAlertIncident(ctx: Ctx, integration: string, group: string): Promise<Incident | undefined> {
  return (await ctx.tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.integration, integration), eq(incidents.alertGroup, group), ne(incidents.status, 'resolved'))))[0];
}

async function openCount(ctx: Ctx, integration: string): Promise<number> {
  return (await ctx.tx
    .select({ n: count() })
    .from(incidents)
    .where(and(eq(incidents.integration, integration), ne(incidents.status, 'resolved'), ne(incidents.alertGroup, FLOOD_GROUP))))[0]!.n;
}

/** `severity.map` (own keys only, any case), else `severity.default`, else the policy's default. */
export function severityFor(ctx: Ctx, cfg: Integration, batch: Pick<AlertBatch, 'severity' | 'commonLabels' | 'alerts'>): string {
  const label = cfg.severity.label;
  const raw = batch.severity ?? batch.commonLabels[label] ?? batch.alerts.find((a) => a.status === 'firing')?.labels[label];
  if (raw !== undefined) {
    const key = Object.keys(cfg.severity.map).find((k) => k.toLowerCase() === raw.toLowerCase());
    if (key !== undefined) return cfg.severity.map[key];
  }
  return findSeverity(ctx.policy, cfg.severity.default ?? '')?.id ?? ctx.policy.default_severity;
}

/** `commonAnnotations.summary`, else the alert name plus the group labels. */
export function titleFor(batch: AlertBatch): string {
  if (batch.summary?.trim()) return batch.summary.trim().slice(0, 200);
  const name = batch.commonLabels.alertname ?? batch.alerts[0]?.labels.alertname ?? 'Alert';
  const rest = Object.entries(batch.groupLabels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`);
  return `${name}${rest.length ? ` (${rest.join(', ')})` : ''}`.slice(0, 200);
}

const pairs = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k}=${v}`).join(', ');

/**
 * The declared message's "Impact" text: labels, annotations and links, so the responder can act
 * from chat without opening the monitoring tool first.
 */
export function detailsFor(id: string, batch: AlertBatch): string {
  const first = batch.alerts.find((a) => a.status === 'firing') ?? batch.alerts[0];
  const labels = Object.keys(batch.commonLabels).length ? batch.commonLabels : first.labels;
  const annotations = { ...first.annotations, ...batch.commonAnnotations };
  const links = new Map<string, AlertLink>();
  for (const l of [...batch.alerts.flatMap((a) => a.links), ...batch.links]) if (!links.has(l.label)) links.set(l.label, l);
  const firing = batch.alerts.filter((a) => a.status === 'firing').map((a) => alertName(a, batch.groupLabels));
  const lines = [
    `Alert from ${id}: ${firing.length} firing${firing.length ? ` (${firing.slice(0, LISTED).join(', ')}${firing.length > LISTED ? ', …' : ''})` : ''}`,
    labels && Object.keys(labels).length ? `Labels: ${pairs(labels)}` : '',
    Object.keys(annotations).length ? `Annotations: ${Object.entries(annotations).map(([k, v]) => `${k}: ${v}`).join('; ')}` : '',
    links.size ? `Links: ${[...links.values()].map((l) => `${l.label} ${l.url}`).join(' · ')}` : '',
    batch.truncatedAlerts > 0 ? `${batch.truncatedAlerts} more alert(s) were truncated by the sender.` : '',
  ];
  const text = lines.filter(Boolean).join('\n');
  return text.length > 3000 ? `${text.slice(0, 3000)}…` : text;
}

/** The group's labels (what every alert in it shares), else the first firing alert's: `notify` filters on them. */
function alertLabels(batch: AlertBatch): Labels {
  const first = batch.alerts.find((a) => a.status === 'firing') ?? batch.alerts[0];
  return labelsFromAlert(Object.keys(batch.commonLabels).length ? batch.commonLabels : (first?.labels ?? {}));
}

async function declareFor(ctx: Ctx, id: string, group: string, input: { title: string; severity: string; description: string; labels?: Labels }): Promise<Incident> {
  const inc = await declare(ctx, integrationActor(id), input);
  await ctx.tx.update(incidents).set({ integration: id, alertGroup: group }).where(eq(incidents.id, inc.id));
  return (await getIncident(ctx.tx, inc.id))!;
}

type Recorded = { fresh: number; resolved: string[]; changed: boolean };

/** The per-alert queries: a storm runs thousands of these a second. */
type AlertStatements = {
  known(incidentId: number, fingerprint: string): Promise<'firing' | 'resolved' | undefined>;
  insert(incidentId: number, fingerprint: string, name: string, now: number): Promise<void>;
  setStatus(status: 'firing' | 'resolved', now: number, incidentId: number, fingerprint: string): Promise<void>;
  firingCount(incidentId: number): Promise<number>;
  firingNames(incidentId: number, limit: number): Promise<string[]>;
};

type Statement = BetterSqlite3.Statement<unknown[], unknown>;
const statements = new WeakMap<object, AlertStatements>();

/**
 * Prepared once per database. On SQLite they are the driver's own statements: building each query
 * anew through drizzle cost more than running it. On PostgreSQL every query is a round trip
 * anyway, so drizzle's builder serves.
 */
function alertStatements(ctx: Ctx): AlertStatements {
  const client = ctx.db.$client as object;
  let s = statements.get(client);
  if (!s) {
    s = dialect() === 'sqlite' ? sqliteStatements(ctx.db.$client) : builtStatements(ctx);
    statements.set(client, s);
  }
  return s;
}

function sqliteStatements(client: Db['$client']): AlertStatements {
  const st: Record<keyof AlertStatements, Statement> = {
    known: client.prepare('select status from incident_alerts where incident_id = ? and fingerprint = ?').pluck(),
    insert: client.prepare("insert into incident_alerts (incident_id, fingerprint, name, status, first_at, last_at) values (?, ?, ?, 'firing', ?, ?)"),
    setStatus: client.prepare('update incident_alerts set status = ?, last_at = ? where incident_id = ? and fingerprint = ?'),
    firingCount: client.prepare("select count(*) from incident_alerts where incident_id = ? and status = 'firing'").pluck(),
    firingNames: client.prepare("select name from incident_alerts where incident_id = ? and status = 'firing' order by first_at limit ?").pluck(),
  };
  return {
    known: async (id, fp) => st.known.get(id, fp) as 'firing' | 'resolved' | undefined,
    insert: async (id, fp, name, now) => void st.insert.run(id, fp, name, now, now),
    setStatus: async (status, now, id, fp) => void st.setStatus.run(status, now, id, fp),
    firingCount: async (id) => st.firingCount.get(id) as number,
    firingNames: async (id, limit) => st.firingNames.all(id, limit) as string[],
  };
}

/** Queries through drizzle, on whichever connection the calling transaction holds. */
function builtStatements(ctx: Ctx): AlertStatements {
  const db = ctx.db;
  const at = (id: number, fp: string) => and(eq(incidentAlerts.incidentId, id), eq(incidentAlerts.fingerprint, fp));
  const firing = (id: number) => and(eq(incidentAlerts.incidentId, id), eq(incidentAlerts.status, 'firing'));
  return {
    known: async (id, fp) => (await db.select({ s: incidentAlerts.status }).from(incidentAlerts).where(at(id, fp)))[0]?.s as 'firing' | 'resolved' | undefined,
    insert: async (id, fp, name, now) =>
      void (await db.insert(incidentAlerts).values({ incidentId: id, fingerprint: fp, name, status: 'firing', firstAt: new Date(now), lastAt: new Date(now) })),
    setStatus: async (status, now, id, fp) => void (await db.update(incidentAlerts).set({ status, lastAt: new Date(now) }).where(at(id, fp))),
    firingCount: async (id) => (await db.select({ n: count() }).from(incidentAlerts).where(firing(id)))[0].n,
    firingNames: async (id, limit) =>
      (await db.select({ name: incidentAlerts.name }).from(incidentAlerts).where(firing(id)).orderBy(incidentAlerts.firstAt).limit(limit)).map((r) => r.name),
  };
}

/** Upserts each alert by fingerprint; only a change of state is a change. */
async function recordAlerts(ctx: Ctx, inc: Incident, batch: AlertBatch, prefix: string): Promise<Recorded> {
  const out: Recorded = { fresh: 0, resolved: [], changed: false };
  const st = alertStatements(ctx);
  const now = ctx.now.getTime();
  for (const a of batch.alerts) {
    const fingerprint = prefix + a.fingerprint;
    // On the flood incident several groups meet: the name says which group each alert is from.
    const name = prefix ? `${Object.values(batch.groupLabels).join('/') || batch.groupKey.slice(0, 40)} ${alertName(a, batch.groupLabels)}` : alertName(a, batch.groupLabels);
    const known = await st.known(inc.id, fingerprint);
    if (!known) {
      // A resolved alert Klaxon never saw firing says nothing new.
      if (a.status === 'resolved') continue;
      await st.insert(inc.id, fingerprint, name, now);
      out.fresh++;
      out.changed = true;
    } else if (known !== a.status) {
      await st.setStatus(a.status, now, inc.id, fingerprint);
      if (a.status === 'resolved') out.resolved.push(name);
      else out.fresh++;
      out.changed = true;
    }
  }
  return out;
}

async function firingOf(ctx: Ctx, incidentId: number): Promise<{ n: number; names: string[] }> {
  const st = alertStatements(ctx);
  return { n: await st.firingCount(incidentId), names: await st.firingNames(incidentId, LISTED) };
}

/** "3 alerts firing: web-1, web-2, web-3; resolved: web-4": one line per delivery that changed something. */
function alertsLine(firing: { n: number; names: string[] }, r: Recorded, truncated: number): string {
  const more = firing.n > firing.names.length ? `, and ${firing.n - firing.names.length} more` : '';
  const parts = [`${firing.n} alert${firing.n === 1 ? '' : 's'} firing${firing.n ? `: ${firing.names.join(', ')}${more}` : ''}`];
  if (r.resolved.length) parts.push(`resolved: ${r.resolved.slice(0, LISTED).join(', ')}${r.resolved.length > LISTED ? `, and ${r.resolved.length - LISTED} more` : ''}`);
  if (truncated > 0) parts.push(`${truncated} more alert(s) truncated by the sender`);
  return parts.join('; ');
}

/** Alerts of `group` that an earlier flood put on the flood incident, if it is still open. */
async function floodHolding(ctx: Ctx, id: string, group: string): Promise<Incident | undefined> {
  const flood = await openAlertIncident(ctx, id, FLOOD_GROUP);
  if (!flood) return undefined;
  const prefix = `${group} `;
  const hit = (await ctx.tx
    .select({ f: incidentAlerts.fingerprint })
    .from(incidentAlerts)
    .where(and(eq(incidentAlerts.incidentId, flood.id), sql`substr(${incidentAlerts.fingerprint}, 1, ${prefix.length}) = ${prefix}`)))[0];
  return hit ? flood : undefined;
}

export async function handleAlerts(ctx: Ctx, id: string, cfg: Integration, batch: AlertBatch): Promise<AlertOutcome> {
  const actor = integrationActor(id);
  let inc = await openAlertIncident(ctx, id, batch.groupKey);
  let prefix = '';
  if (!inc) {
    const flood = await floodHolding(ctx, id, batch.groupKey);
    if (flood) [inc, prefix] = [flood, `${batch.groupKey} `];
  }

  if (batch.action === 'acknowledge') {
    if (!inc) return { outcome: 'ignored', deduplicated: 0 };
    return { outcome: (await acknowledgeFromSource(ctx, actor, inc)) ? 'acknowledged' : 'repeat', incident: inc.id, deduplicated: 0 };
  }

  const wasOpen = !!inc;
  let outcome: AlertOutcome['outcome'] = 'updated';
  if (!inc) {
    // Resolved news about nothing open (a late resolve, a human already resolved it): nothing to do.
    if (!batch.alerts.some((a) => a.status === 'firing')) return { outcome: 'ignored', deduplicated: 0 };
    if ((await openCount(ctx, id)) >= cfg.max_open) {
      prefix = `${batch.groupKey} `;
      inc = await openAlertIncident(ctx, id, FLOOD_GROUP);
      if (!inc) {
        inc = await declareFor(ctx, id, FLOOD_GROUP, {
          title: `Alert flood from ${id}: ${cfg.max_open} incidents already open`,
          severity: severityFor(ctx, cfg, batch),
          description: `${id} already has ${cfg.max_open} open incidents (max_open). Further alert groups are collected here instead of paging again.\n${detailsFor(id, batch)}`,
        });
      }
      outcome = 'flood';
    } else {
      inc = await declareFor(ctx, id, batch.groupKey, { title: titleFor(batch), severity: severityFor(ctx, cfg, batch), description: detailsFor(id, batch), labels: alertLabels(batch) });
      outcome = 'opened';
    }
  }

  const r = await recordAlerts(ctx, inc, batch, prefix);
  const deduplicated = wasOpen ? batch.alerts.length : 0;
  if (!r.changed && wasOpen) return { outcome: 'repeat', incident: inc.id, deduplicated };
  const firing = await firingOf(ctx, inc.id);
  await addTimeline(ctx, inc.id, 'alerts', actor.id, alertsLine(firing, r, batch.truncatedAlerts));

  if (firing.n === 0 && r.resolved.length > 0) {
    const total = (await ctx.tx.select({ n: count() }).from(incidentAlerts).where(eq(incidentAlerts.incidentId, inc.id)))[0]!.n;
    const summary = total === 1 ? `${id} reports the alert resolved` : `${id} reports all ${total} alerts resolved`;
    if (cfg.resolve === 'auto') {
      await resolve(ctx, actor, inc, `${summary}.`);
      return { outcome: 'resolved', incident: inc.id, deduplicated };
    }
    await addTimeline(ctx, inc.id, 'source_resolved', actor.id, `${summary}; the incident stays open until someone resolves it.`);
    await postToIncident(ctx, inc.id, () => ({ text: `ℹ️ The source reports resolved: ${summary}. Resolve #${inc.id} when you are satisfied.`, tone: 'good' }));
    return { outcome: 'noted', incident: inc.id, deduplicated };
  }
  return { outcome, incident: inc.id, deduplicated };
}

/** A delivery as received: kept (once per distinct body) beside what it did, for debugging a sender. */
export type AlertDelivery = { integration: string; sha256: string; bytes: number; stored: string };

export async function recordDelivery(ctx: Ctx, d: AlertDelivery, r: AlertOutcome): Promise<void> {
  await ctx.tx
    .insert(alertDeliveries)
    .values({ integration: d.integration, sha256: d.sha256, receivedAt: ctx.now, bytes: d.bytes, body: d.stored, incidentId: r.incident ?? null, outcome: r.outcome })
    // An identical retry adds nothing.
    .onConflictDoNothing();
}

/** Events v2 `acknowledge`: the incident and every open page, as a person's `ack` would. */
async function acknowledgeFromSource(ctx: Ctx, actor: Actor, inc: Incident): Promise<boolean> {
  const open = await openPagesOf(ctx, inc.id);
  for (const p of open) await acknowledgePage(ctx, inc, p, actor.id);
  const incident = await acknowledgeIncident(ctx, (await getIncident(ctx.tx, inc.id))!, actor.id);
  return open.length > 0 || incident;
}

// ---------------------------------------------------------------------------------------
// Heartbeats: the timer lives in the database, so a restart neither forgets nor repeats it.

const heartbeatKey = (id: string) => `heartbeat:${id}`;

/** A call: re-arm the deadline, and resolve the incident a missed call opened. */
export async function heartbeatCall(ctx: Ctx, id: string, cfg: Integration, message?: string): Promise<AlertOutcome> {
  await cancelKeyedTimers(ctx, heartbeatKey(id));
  await scheduleTimer(ctx, 'heartbeat', new Date(ctx.now.getTime() + cfg.expect_every!), { key: heartbeatKey(id), data: { integration: id } });
  const inc = await openAlertIncident(ctx, id, HEARTBEAT_GROUP);
  if (!inc) return { outcome: 'repeat', deduplicated: 0 };
  const said = `${id} called again${message ? `: ${message.slice(0, 200)}` : ''}`;
  if (cfg.resolve === 'auto') {
    await resolve(ctx, integrationActor(id), inc, `${said}.`);
    return { outcome: 'resolved', incident: inc.id, deduplicated: 0 };
  }
  await addTimeline(ctx, inc.id, 'source_resolved', integrationActor(id).id, `${said}; the incident stays open until someone resolves it.`);
  await postToIncident(ctx, inc.id, () => ({ text: `ℹ️ The source reports resolved: ${said}. Resolve #${inc.id} when you are satisfied.`, tone: 'good' }));
  return { outcome: 'noted', incident: inc.id, deduplicated: 0 };
}

/** The `heartbeat` timer: no call in time opens one incident (never a second while it is open). */
export async function heartbeatMissed(ctx: Ctx, id: string): Promise<void> {
  const cfg = Object.hasOwn(ctx.policy.integrations, id) ? ctx.policy.integrations[id] : undefined;
  if (cfg?.type !== 'heartbeat' || (await openAlertIncident(ctx, id, HEARTBEAT_GROUP))) return;
  const every = formatMs(cfg.expect_every!);
  await declareFor(ctx, id, HEARTBEAT_GROUP, {
    title: `No heartbeat from ${id} for ${every}`,
    severity: severityFor(ctx, cfg, { commonLabels: {}, alerts: [] }),
    description: `${id} is expected to call its heartbeat URL at least every ${every}; it has not. The next call resolves this incident.`,
  });
}

/** Start-up: a heartbeat that has never been called still gets its first deadline. */
export async function armHeartbeats(ctx: Ctx): Promise<void> {
  for (const [id, cfg] of Object.entries(ctx.policy.integrations)) {
    if (cfg.type !== 'heartbeat') continue;
    const armed = (await ctx.tx.select({ id: timers.id }).from(timers).where(and(eq(timers.key, heartbeatKey(id)), eq(timers.status, 'pending'))))[0];
    if (armed || (await openAlertIncident(ctx, id, HEARTBEAT_GROUP))) continue;
    await scheduleTimer(ctx, 'heartbeat', new Date(ctx.now.getTime() + cfg.expect_every!), { key: heartbeatKey(id), data: { integration: id } });
  }
}
