// The PagerDuty Events API v2 body (developer.pagerduty.com/docs/events-api-v2/trigger-events),
// so any tool that can page PagerDuty (Uptime Kuma, Sentry, Datadog, Healthchecks, CI jobs) can
// page Klaxon by changing one URL. One event is one alert; `dedup_key` is its group.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type AlertBatch, link } from '../domain/alert.js';

export const PD_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

const Payload = z.looseObject({
  summary: z.string().min(1, 'required').max(1024),
  source: z.string().min(1, 'required').max(255),
  severity: z.enum(PD_SEVERITIES),
  timestamp: z.string().optional(),
  component: z.string().optional(),
  group: z.string().optional(),
  class: z.string().optional(),
  custom_details: z.unknown().optional(),
});

export const EventsV2Body = z
  .looseObject({
    routing_key: z.string().optional(),
    event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
    dedup_key: z.string().min(1).max(255).optional(),
    payload: Payload.optional(),
    links: z.array(z.looseObject({ href: z.string(), text: z.string().optional() })).default([]),
    images: z.array(z.looseObject({ src: z.string(), href: z.string().optional(), alt: z.string().optional() })).default([]),
    client: z.string().optional(),
    client_url: z.string().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.event_action === 'trigger' && !b.payload) ctx.addIssue({ code: 'custom', path: ['payload'], message: 'required for trigger' });
    if (b.event_action !== 'trigger' && !b.dedup_key) ctx.addIssue({ code: 'custom', path: ['dedup_key'], message: `required for ${b.event_action}` });
  });

export type EventsV2Body = z.output<typeof EventsV2Body>;

/**
 * PagerDuty invents a key for a trigger without one; Klaxon derives it from the event, so a
 * retried trigger lands on the same incident instead of opening a second.
 */
export function dedupKeyOf(b: EventsV2Body): string {
  if (b.dedup_key) return b.dedup_key;
  const p = b.payload!;
  return createHash('sha256').update(JSON.stringify([p.source, p.summary, p.component ?? '', p.group ?? '', p.class ?? ''])).digest('hex').slice(0, 32);
}

function details(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) return { details: String(JSON.stringify(v)).slice(0, 500) };
  return Object.fromEntries(Object.entries(v).slice(0, 30).map(([k, x]) => [k, (typeof x === 'string' ? x : JSON.stringify(x) ?? '').slice(0, 500)]));
}

export function eventsV2Batch(b: EventsV2Body): AlertBatch {
  const key = dedupKeyOf(b);
  const p = b.payload;
  const labels: Record<string, string> = {};
  for (const k of ['source', 'component', 'group', 'class'] as const) if (p?.[k]) labels[k] = p[k]!;
  const links = [
    ...b.links.flatMap((l) => link(l.text || 'Link', l.href)),
    ...b.images.flatMap((i) => link(i.alt || 'Image', i.href ?? i.src)),
    ...link(b.client || 'Source', b.client_url),
  ];
  return {
    action: b.event_action === 'acknowledge' ? 'acknowledge' : 'notify',
    groupKey: key,
    summary: p?.summary,
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: p ? { summary: p.summary, ...details(p.custom_details) } : {},
    severity: p?.severity,
    alerts: [{ fingerprint: key, status: b.event_action === 'resolve' ? 'resolved' : 'firing', labels, annotations: p ? { summary: p.summary } : {}, links }],
    truncatedAlerts: 0,
    links: [],
  };
}
