// Prometheus Alertmanager webhook, version 4 (prometheus.io/docs/alerting/latest/configuration,
// `<webhook_config>`): one body per notification of one alert group.
import { z } from 'zod';
import { type AlertBatch, labelFingerprint, link } from '../domain/alert.js';
import { alertStatus, labelMap, sourceTime } from './labels.js';

export const AlertmanagerAlert = z.looseObject({
  status: alertStatus,
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: sourceTime.optional(),
  endsAt: sourceTime.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).optional(),
});

export const AlertmanagerBody = z.looseObject({
  version: z.literal('4', { error: 'expected "4" (Alertmanager webhook version 4)' }).optional(),
  groupKey: z.string().min(1, 'required'),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: alertStatus,
  receiver: z.string().optional(),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(AlertmanagerAlert).min(1, 'expected at least one alert'),
});

export type AlertmanagerAlert = z.output<typeof AlertmanagerAlert>;
export type AlertmanagerBody = z.output<typeof AlertmanagerBody>;

/** Links every Alertmanager-shaped alert carries; Grafana adds its own on top. */
export function alertLinks(a: AlertmanagerAlert) {
  return [...link('Source', a.generatorURL), ...link('Runbook', a.annotations.runbook_url)];
}

export function alertmanagerBatch(b: AlertmanagerBody, extraLinks: (a: AlertmanagerAlert) => AlertBatch['links'] = () => []): AlertBatch {
  return {
    action: 'notify',
    groupKey: b.groupKey,
    summary: b.commonAnnotations.summary,
    groupLabels: b.groupLabels,
    commonLabels: b.commonLabels,
    commonAnnotations: b.commonAnnotations,
    alerts: b.alerts.map((a) => ({
      fingerprint: a.fingerprint ?? labelFingerprint(a.labels),
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      links: [...alertLinks(a), ...extraLinks(a)],
    })),
    truncatedAlerts: b.truncatedAlerts,
    links: link('Alertmanager', b.externalURL),
  };
}
