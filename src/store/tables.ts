// The tables the service queries, for the store this process runs on. The service is written
// once against SQLite's table objects (schema.ts, which also gives every row type); a process on
// PostgreSQL switches these bindings to schema-pg.ts's tables at start (useDialect), before any
// query. ES module exports are live bindings, so every importer sees the switch.
//
// One store per process: `klaxon start` runs on one, and moving between them (`klaxon export` /
// `import`, store/dump.ts) works on raw rows, not on these bindings.
import * as lite from './schema.js';
import type * as PgSchema from './schema-pg.js';

export type { PagePlan } from './schema.js';
export type Dialect = 'sqlite' | 'postgres';

let current: Dialect = 'sqlite';

/** The store this process runs on. */
export const dialect = (): Dialect => current;

export let incidents = lite.incidents;
export let incidentAlerts = lite.incidentAlerts;
export let alertDeliveries = lite.alertDeliveries;
export let timelineEvents = lite.timelineEvents;
export let roleAssignments = lite.roleAssignments;
export let pages = lite.pages;
export let incidentMarks = lite.incidentMarks;
export let checklistItems = lite.checklistItems;
export let actionRuns = lite.actionRuns;
export let pageNotifications = lite.pageNotifications;
export let timers = lite.timers;
export let outbox = lite.outbox;
export let incidentSpaces = lite.incidentSpaces;
export let processedEvents = lite.processedEvents;
export let settings = lite.settings;
export let overrides = lite.overrides;
export let supportReplies = lite.supportReplies;
export let leases = lite.leases;

/**
 * Points every table binding at `d`'s schema (PostgreSQL's is passed in by store/pg.ts, so a
 * SQLite Klaxon never loads it). Switching back and forth is refused: one store per process.
 */
export function useDialect(d: Dialect, pgs?: typeof PgSchema): void {
  if (d === current) return;
  if (current !== 'sqlite' || d !== 'postgres') throw new Error(`this process already runs on ${current}; one store per process`);
  if (!pgs) throw new Error('useDialect(postgres) needs the PostgreSQL schema');
  current = d;
  // Same tables, same columns, same row shapes (test/postgres/schema-agreement.test.ts).
  incidents = pgs.incidents as unknown as typeof lite.incidents;
  incidentAlerts = pgs.incidentAlerts as unknown as typeof lite.incidentAlerts;
  alertDeliveries = pgs.alertDeliveries as unknown as typeof lite.alertDeliveries;
  timelineEvents = pgs.timelineEvents as unknown as typeof lite.timelineEvents;
  roleAssignments = pgs.roleAssignments as unknown as typeof lite.roleAssignments;
  pages = pgs.pages as unknown as typeof lite.pages;
  incidentMarks = pgs.incidentMarks as unknown as typeof lite.incidentMarks;
  checklistItems = pgs.checklistItems as unknown as typeof lite.checklistItems;
  actionRuns = pgs.actionRuns as unknown as typeof lite.actionRuns;
  pageNotifications = pgs.pageNotifications as unknown as typeof lite.pageNotifications;
  timers = pgs.timers as unknown as typeof lite.timers;
  outbox = pgs.outbox as unknown as typeof lite.outbox;
  incidentSpaces = pgs.incidentSpaces as unknown as typeof lite.incidentSpaces;
  processedEvents = pgs.processedEvents as unknown as typeof lite.processedEvents;
  settings = pgs.settings as unknown as typeof lite.settings;
  overrides = pgs.overrides as unknown as typeof lite.overrides;
  supportReplies = pgs.supportReplies as unknown as typeof lite.supportReplies;
  leases = pgs.leases as unknown as typeof lite.leases;
}
