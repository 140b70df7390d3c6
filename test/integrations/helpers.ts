// An app with the four example integrations mounted, and a poster per integration.
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { asc, count, eq } from 'drizzle-orm';
import { alertDeliveries, incidentAlerts, incidents, outbox, pages, pageNotifications, timelineEvents } from '../../src/store/schema.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { startApp, type TestAppOptions } from '../http/helpers.js';
import { policyWithIntegrations, TOKENS } from './fixtures.js';

export async function alertApp(o: TestAppOptions & { extra?: string; prometheus?: string } = {}) {
  // A recording platform so every message gets an outbox row the tests can read.
  const t = await startApp({ yaml: policyWithIntegrations(o.extra, o.prometheus), secrets: TOKENS, adapters: [{ adapter: new RecordingAdapter('slack') }], ...o });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(t.base + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const n = async (table: SQLiteTable) => (await t.db.select({ n: count() }).from(table))[0]!.n;
  return {
    ...t,
    post,
    prometheus: (body: unknown) => post('/integrations/v1/prometheus', body, { authorization: `Bearer ${TOKENS.KLAXON_PROMETHEUS_TOKEN}` }),
    incidents: async () => (await t.db.select().from(incidents).orderBy(asc(incidents.id))),
    timeline: async (id: number) => (await t.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id)).orderBy(asc(timelineEvents.id))),
    pages: async (id?: number) => (await t.db.select().from(pages).where(id ? eq(pages.incidentId, id) : undefined)),
    notifications: async () => (await t.db.select().from(pageNotifications)),
    posts: async (id?: number) =>
      (await t.db.select().from(outbox).where(id ? eq(outbox.incidentId, id) : undefined).orderBy(asc(outbox.id)))
        .filter((r) => r.kind === 'post')
        .map((r) => String((r.body as { text: string }).text)),
    /** Row counts of everything a delivery can write: equal snapshots mean nothing changed. */
    snapshot: async () => ({
      incidents: await n(incidents),
      timeline: await n(timelineEvents),
      outbox: await n(outbox),
      pages: await n(pages),
      alerts: await n(incidentAlerts),
      deliveries: await n(alertDeliveries),
      statuses: (await t.db.select({ s: incidents.status }).from(incidents)).map((r) => r.s).join(','),
    }),
  };
}

export type AlertApp = Awaited<ReturnType<typeof alertApp>>;
