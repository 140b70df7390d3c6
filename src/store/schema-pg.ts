// The data model for PostgreSQL: src/store/schema.ts expressed in PostgreSQL's types, table for
// table, column for column, index for index (test/postgres/schema-agreement.test.ts fails when the
// two differ). A change to one is made to both; migrations for each come from drizzle-kit
// (drizzle.config.ts → migrations/sqlite, drizzle-pg.config.ts → migrations/postgres).
//
// Queries return the same shapes on both stores:
// - times are bigint epoch milliseconds, as in SQLite, read back as Date: raw SQL that subtracts
//   or compares times in milliseconds (stats, metrics) means the same on both;
// - JSON columns are text holding JSON, as in SQLite, parsed on read;
// - `timeline_events.public` is a boolean (SQLite: 0/1 read as boolean);
// - ids are identity columns "by default", so `klaxon import` can keep every number, after which it
//   moves each sequence past the highest id.
// Counts and bigint sums arrive as strings from node-postgres unless the pool parses int8 and
// numeric as numbers, which src/store/pg.ts does (every value Klaxon stores fits in 2^53).
import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { PagePlan } from './schema.js';

/** A time: bigint epoch milliseconds in the database, a Date in TypeScript (SQLite: integer timestamp_ms). */
const epochMs = customType<{ data: Date; driverData: number | string }>({
  dataType: () => 'bigint',
  toDriver: (d) => d.getTime(),
  fromDriver: (v) => new Date(Number(v)),
});
const at = (name: string) => epochMs(name);

/** JSON kept as text, as SQLite keeps it (text mode json). */
const jsonText = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'text',
    toDriver: (v) => JSON.stringify(v),
    fromDriver: (v) => JSON.parse(v) as T,
  })(name);

/** One row per incident; `id` is the incident number people type (#12). */
export const incidents = pgTable(
  'incidents',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    title: text('title').notNull(),
    description: text('description'),
    severity: text('severity').notNull(),
    status: text('status', { enum: ['investigating', 'identified', 'monitoring', 'resolved'] }).notNull(),
    declaredAt: at('declared_at').notNull(),
    declaredBy: text('declared_by').notNull(),
    acknowledgedAt: at('acknowledged_at'),
    mitigatedAt: at('mitigated_at'),
    resolvedAt: at('resolved_at'),
    lastUpdateAt: at('last_update_at').notNull(),
    summary: text('summary'),
    /** `/incident eta`: what responders said, as shown in `{eta}` (a time, or their words). */
    eta: text('eta'),
    /** `/incident cause` or `resolve … --cause`: shown in `{root_cause}` and the postmortem. */
    rootCause: text('root_cause'),
    sourceLink: text('source_link'),
    postmortemDueAt: at('postmortem_due_at'),
    postmortemUrl: text('postmortem_url'),
    postmortemDoneAt: at('postmortem_done_at'),
    targetsMissed: integer('targets_missed').notNull().default(0),
    /** The policy integration that opened it (alerts, heartbeats), and its alert group key. */
    integration: text('integration'),
    alertGroup: text('alert_group'),
    /** `/incident components`: the status page components it affects, as the policy spells them. */
    components: jsonText<string[]>('components'),
    /** Labels from its alert or from `declare … --label key=value`; `notify` entries can filter on them. */
    labels: jsonText<Record<string, string>>('labels'),
  },
  (t) => [
    index('incidents_status').on(t.status),
    index('incidents_declared_at').on(t.declaredAt),
    index('incidents_source').on(t.sourceLink),
    // The status page's resolved-in-the-window read.
    index('incidents_resolved_at').on(t.resolvedAt),
    // `stats` counts postmortems afresh on each call: only the incidents that require one.
    index('incidents_postmortem_due').on(t.declaredAt).where(sql`${t.postmortemDueAt} is not null`),
    // One OPEN incident per source link (a message declared from, an API caller's link): the
    // database refuses the second, so two requests at once cannot both pass a check; once it is
    // resolved, the same link may open a new incident.
    uniqueIndex('incidents_open_source_link')
      .on(t.sourceLink)
      .where(sql`${t.status} <> 'resolved' and ${t.sourceLink} is not null`),
    // Dedup of alerts: one open incident per integration and group; resolved ones step aside, so
    // the same group firing again opens a new incident.
    uniqueIndex('incidents_open_alert_group')
      .on(t.integration, t.alertGroup)
      .where(sql`${t.status} <> 'resolved' and ${t.integration} is not null`),
  ],
);

/** Every alert an integration reported on an incident, by fingerprint: what makes a repeat a repeat. */
export const incidentAlerts = pgTable(
  'incident_alerts',
  {
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    fingerprint: text('fingerprint').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['firing', 'resolved'] }).notNull(),
    firstAt: at('first_at').notNull(),
    lastAt: at('last_at').notNull(),
  },
  // The timeline line lists the first firing alerts in order: read off the index, never sorted.
  (t) => [primaryKey({ columns: [t.incidentId, t.fingerprint] }), index('incident_alerts_firing').on(t.incidentId, t.status, t.firstAt)],
);

/**
 * Accepted alert bodies as received (size-capped, secrets removed), stored in the transaction
 * that processed them. One row per distinct body: an identical retry adds nothing.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    integration: text('integration').notNull(),
    sha256: text('sha256').notNull(),
    receivedAt: at('received_at').notNull(),
    bytes: integer('bytes').notNull(),
    body: text('body').notNull(),
    incidentId: integer('incident_id').references(() => incidents.id),
    outcome: text('outcome').notNull(),
  },
  (t) => [uniqueIndex('alert_deliveries_body').on(t.integration, t.sha256), index('alert_deliveries_at').on(t.receivedAt)],
);

/** Append-only history of an incident, shown by `timeline` and in the postmortem. */
export const timelineEvents = pgTable(
  'timeline_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    at: at('at').notNull(),
    kind: text('kind').notNull(),
    actor: text('actor'),
    text: text('text').notNull(),
    public: boolean('public').notNull().default(false),
    /** What the status page shows: customer wording, no responder names or page counts. */
    publicText: text('public_text'),
    /** The incident status this event reported, for public update labels. */
    status: text('status'),
    /** The incident's severity when it happened, where a count depends on it (missed targets). */
    severity: text('severity'),
  },
  (t) => [
    index('timeline_incident').on(t.incidentId, t.at),
    // Missed targets (metrics, stats) without scanning every event: a small partial index.
    index('timeline_target_missed').on(t.incidentId).where(sql`${t.kind} like 'target_missed:%'`),
    // Required roles left empty (`stats`), likewise.
    index('timeline_role_missed').on(t.incidentId).where(sql`${t.kind} like 'role_missed:%'`),
  ],
);

export const roleAssignments = pgTable(
  'role_assignments',
  {
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    role: text('role').notNull(),
    person: text('person').notNull(),
    assignedAt: at('assigned_at').notNull(),
    /** Where an automatic holder came from ("schedule:primary", "acknowledger"); null when handed over by a person. */
    source: text('source'),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.role] })],
);

/** A page walks an escalation policy tier by tier until someone acknowledges it. */
export const pages = pgTable(
  'pages',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    policy: text('policy'),
    target: text('target').notNull(),
    /** The incident's severity when the page started: metrics count it there for good. */
    severity: text('severity').notNull(),
    status: text('status', { enum: ['open', 'acknowledged', 'exhausted', 'cancelled'] }).notNull(),
    tier: integer('tier').notNull().default(0),
    cycle: integer('cycle').notNull().default(0),
    createdAt: at('created_at').notNull(),
    acknowledgedAt: at('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    closedAt: at('closed_at'),
    /**
     * The tiers (targets, ack timeouts, `when` conditions) and repeat count copied from the policy
     * when the page started: a policy edit applies to new pages, never to one under way. Null only
     * for pages started before plans were kept; those read the live policy.
     */
    plan: jsonText<PagePlan>('plan'),
  },
  (t) => [index('pages_incident').on(t.incidentId, t.status)],
);


/**
 * Control state of an incident's automatic steps, one row per mark: `nudge` (when it was last
 * nudged), `target_missed:<target>`, `auto_escalate`. Written in the same transaction as the step,
 * so each step happens once. The timeline records the same events for people; nothing decides
 * from it.
 */
export const incidentMarks = pgTable(
  'incident_marks',
  {
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    mark: text('mark').notNull(),
    at: at('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.mark] })],
);

/**
 * Phase checklists (`checklists: { declared, mitigated, resolved }`): one row per item, numbered
 * across the incident in the order posted, so `/incident check 4` names one item for good.
 */
export const checklistItems = pgTable(
  'checklist_items',
  {
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    n: integer('n').notNull(),
    phase: text('phase').notNull(),
    text: text('text').notNull(),
    /** A policy action the item is done with (`{ action: product-safe-mode }`): shown as its button. */
    action: text('action'),
    checkedAt: at('checked_at'),
    checkedBy: text('checked_by'),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.n] })],
);

/**
 * Policy actions (`/incident action`) whose HTTP call was started: written as `pending` in the
 * command's transaction, before the call, and closed with its outcome. One still pending at start-up
 * was cut off by a stop, and is reported as unknown rather than lost without a word.
 */
export const actionRuns = pgTable(
  'action_runs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    name: text('name').notNull(),
    /** "PUT admin.example.com/api/settings/safe_mode": method, host and path only, never a secret. */
    target: text('target').notNull(),
    actorName: text('actor_name').notNull(),
    status: text('status', { enum: ['pending', 'done', 'failed', 'unknown'] }).notNull(),
    startedAt: at('started_at').notNull(),
    finishedAt: at('finished_at'),
    outcome: text('outcome'),
  },
  (t) => [index('action_runs_pending').on(t.status)],
);

/** Who was told about a page, at which tier and cycle: the record that makes each step happen once. */
export const pageNotifications = pgTable(
  'page_notifications',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pageId: integer('page_id').notNull().references(() => pages.id),
    person: text('person').notNull(),
    tier: integer('tier').notNull(),
    cycle: integer('cycle').notNull(),
    notifiedAt: at('notified_at').notNull(),
    dueAt: at('due_at').notNull(),
  },
  (t) => [uniqueIndex('page_notifications_once').on(t.pageId, t.person, t.tier, t.cycle)],
);

/** Durable timers: escalation steps, nudges, targets, reminders, hand-offs. */
export const timers = pgTable(
  'timers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind').notNull(),
    dueAt: at('due_at').notNull(),
    status: text('status', { enum: ['pending', 'done', 'cancelled', 'failed'] }).notNull().default('pending'),
    incidentId: integer('incident_id').references(() => incidents.id),
    pageId: integer('page_id').references(() => pages.id),
    key: text('key'),
    data: jsonText<Record<string, unknown>>('data'),
    createdAt: at('created_at').notNull(),
    firedAt: at('fired_at'),
  },
  // Claiming reads only pending rows in due order, so the index keeps a tick flat however many wait.
  (t) => [
    index('timers_due').on(t.status, t.dueAt),
    index('timers_key').on(t.key),
    // Re-arming and cancelling (nudges, targets, an acknowledged page) look timers up by owner;
    // without these every such step scanned all pending timers.
    index('timers_incident').on(t.incidentId, t.status, t.kind),
    index('timers_page').on(t.pageId, t.status),
  ],
);

/** Everything Klaxon posts, one row per platform, delivered by the dispatcher with retries. */
export const outbox = pgTable(
  'outbox',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    platform: text('platform').notNull(),
    kind: text('kind', { enum: ['post', 'edit', 'topic', 'invite', 'rename', 'usergroup'] }).notNull(),
    destination: text('destination').notNull(),
    body: jsonText<Record<string, unknown>>('body').notNull(),
    priority: integer('priority').notNull().default(1),
    incidentId: integer('incident_id').references(() => incidents.id),
    pageId: integer('page_id').references(() => pages.id),
    editOf: integer('edit_of'),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull(),
    sentAt: at('sent_at'),
    refChannel: text('ref_channel'),
    refId: text('ref_id'),
  },
  (t) => [
    index('outbox_pending').on(t.status, t.platform, t.id),
    index('outbox_ref').on(t.platform, t.refChannel, t.refId),
    index('outbox_ref_id').on(t.platform, t.refId),
    // Acknowledging a page rewrites every copy of it: found by page, not by scanning history.
    index('outbox_page').on(t.pageId),
  ],
);

/** The channel (Slack) or thread (Discord) an incident lives in on each platform. */
export const incidentSpaces = pgTable(
  'incident_spaces',
  {
    incidentId: integer('incident_id').notNull().references(() => incidents.id),
    platform: text('platform').notNull(),
    channelId: text('channel_id').notNull(),
    name: text('name'),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.platform] }), index('spaces_channel').on(t.platform, t.channelId)],
);

/** Platform deliveries already handled (Slack retries, Discord replays). */
export const processedEvents = pgTable(
  'processed_events',
  {
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    processedAt: at('processed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.eventId] })],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: at('updated_at').notNull().default(sql`(extract(epoch from now()) * 1000)::bigint`),
});

export const overrides = pgTable(
  'overrides',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    schedule: text('schedule').notNull(),
    person: text('person').notNull(),
    start: at('start').notNull(),
    end: at('end').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('overrides_schedule').on(t.schedule, t.end)],
);

/** Last support auto-reply per person and channel, so a restart does not reply again within the cooldown. */
export const supportReplies = pgTable(
  'support_replies',
  {
    platform: text('platform').notNull(),
    channel: text('channel').notNull(),
    user: text('user').notNull(),
    repliedAt: at('replied_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.channel, t.user] })],
);

/**
 * Who writes to this database file: one running Klaxon at a time. The holder refreshes
 * `heartbeatAt`; a second process refuses to start while the lease is live (see store/lease.ts).
 */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  pid: integer('pid').notNull(),
  host: text('host').notNull(),
  startedAt: at('started_at').notNull(),
  heartbeatAt: at('heartbeat_at').notNull(),
});
