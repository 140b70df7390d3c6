// Grafana Alerting's webhook contact point (grafana.com/docs/grafana/latest/alerting/ … /webhook-notifier):
// Alertmanager's version 4 body plus orgId, title, state, message, and per alert silenceURL,
// dashboardURL, panelURL, values and valueString.
import { z } from 'zod';
import type { AlertBatch } from '../domain/alert.js';
import { link } from '../domain/alert.js';
import { AlertmanagerAlert, alertmanagerBatch, AlertmanagerBody } from './alertmanager.js';

const GrafanaAlert = AlertmanagerAlert.extend({
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  values: z.record(z.string(), z.number().nullable()).nullable().optional(),
  valueString: z.string().optional(),
});

export const GrafanaBody = AlertmanagerBody.extend({
  // Older Grafana versions leave groupKey out; the receiver and group labels then name the group.
  groupKey: z.string().min(1).optional(),
  // Grafana numbers its own webhook versions ("1"), unrelated to Alertmanager's "4".
  version: z.string().optional(),
  orgId: z.number().int().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
  alerts: z.array(GrafanaAlert).min(1, 'expected at least one alert'),
});

export type GrafanaBody = z.output<typeof GrafanaBody>;

export function grafanaBatch(b: GrafanaBody): AlertBatch {
  const groupKey = b.groupKey ?? `${b.receiver ?? ''}:${JSON.stringify(b.groupLabels)}`;
  const batch = alertmanagerBatch({ ...b, version: undefined, groupKey }, (a) => {
    const g = a as z.output<typeof GrafanaAlert>;
    return [...link('Silence', g.silenceURL), ...link('Dashboard', g.dashboardURL), ...link('Panel', g.panelURL)];
  });
  // Grafana's values ("B=44.2") are what the responder wants to see first.
  b.alerts.forEach((a, i) => {
    if (a.valueString) batch.alerts[i].annotations = { ...batch.alerts[i].annotations, value: a.valueString };
    else if (a.values) batch.alerts[i].annotations = { ...batch.alerts[i].annotations, value: Object.entries(a.values).map(([k, v]) => `${k}=${v}`).join(', ') };
  });
  return { ...batch, summary: batch.summary ?? b.title };
}
