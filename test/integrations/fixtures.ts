// Alert bodies in the shapes their senders document. Values are made up; the field layout is
// the documented one, so a parser that accepts these accepts the real thing.
import { readFileSync } from 'node:fs';

/**
 * Prometheus Alertmanager webhook, version 4: the body documented under `<webhook_config>` at
 * prometheus.io/docs/alerting/latest/configuration/ (receiver, status, alerts[{status, labels,
 * annotations, startsAt, endsAt, generatorURL, fingerprint}], groupLabels, commonLabels,
 * commonAnnotations, externalURL, version, groupKey, truncatedAlerts).
 */
export function alertmanagerBody(o: { status?: 'firing' | 'resolved'; hosts?: string[]; resolved?: string[]; truncated?: number; group?: string; summary?: string } = {}) {
  const hosts = o.hosts ?? ['web-1'];
  const resolved = new Set(o.resolved ?? (o.status === 'resolved' ? hosts : []));
  const alertname = o.group ?? 'HighErrorRate';
  const alerts = hosts.map((h, i) => ({
    status: resolved.has(h) ? 'resolved' : 'firing',
    labels: { alertname, instance: h, job: 'web', severity: 'critical' },
    annotations: { description: `5xx ratio above 5% on ${h}`, runbook_url: 'https://runbooks.example.com/high-error-rate' },
    startsAt: '2026-03-04T09:58:00.000Z',
    endsAt: resolved.has(h) ? '2026-03-04T10:20:00.000Z' : '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus.example.com:9090/graph?g0.expr=job%3Aerrors%3Aratio5m+%3E+0.05&g0.tab=1#${i}`,
    fingerprint: `fp-${alertname}-${h}`,
  }));
  return {
    receiver: 'klaxon',
    status: alerts.every((a) => a.status === 'resolved') ? 'resolved' : 'firing',
    alerts,
    groupLabels: { alertname },
    commonLabels: { alertname, job: 'web', severity: 'critical', ...(hosts.length === 1 ? { instance: hosts[0] } : {}) },
    commonAnnotations: o.summary ? { summary: o.summary } : {},
    externalURL: 'http://alertmanager.example.com:9093',
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: o.truncated ?? 0,
  };
}

/**
 * Grafana Alerting's webhook contact point: the "Example JSON body" on Grafana's
 * "Configure the webhook notifier" page (grafana.com/docs/grafana/latest/alerting/…/webhook-notifier/):
 * Alertmanager's fields plus orgId, title, state, message and per alert silenceURL, dashboardURL,
 * panelURL, values, valueString. Trimmed to one alert.
 */
export const grafanaBody = {
  receiver: 'My Super Webhook',
  status: 'firing',
  orgId: 1,
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
      annotations: { description: 'The system has high memory usage', runbook_url: 'https://myrunbook.com/runbook/1234', summary: 'This alert was triggered for zone us-1' },
      startsAt: '2021-10-12T09:51:03.157076+02:00',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
      fingerprint: 'c6eadffa33fcdf37',
      silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
      dashboardURL: '',
      panelURL: '',
      values: { B: 44.23943737541908, C: 1 },
    },
  ],
  groupLabels: {},
  commonLabels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
  commonAnnotations: { description: 'The system has high memory usage', runbook_url: 'https://myrunbook.com/runbook/1234', summary: 'This alert was triggered for zone us-1' },
  externalURL: 'https://play.grafana.org/',
  version: '1',
  groupKey: '{}:{alertname="High memory usage"}',
  truncatedAlerts: 0,
  title: '[FIRING:1]  (High memory usage blue us-1)',
  state: 'alerting',
  message: '**Firing**\n\nLabel: alertname = High memory usage\n',
};

/**
 * PagerDuty Events API v2 "Send an alert event" (developer.pagerduty.com/docs/events-api-v2/
 * trigger-events/): routing_key, event_action, dedup_key, payload{summary, timestamp, source,
 * severity, component, group, class, custom_details}, images, links, client, client_url.
 */
export function eventsV2Body(routingKey: string, action: 'trigger' | 'acknowledge' | 'resolve' = 'trigger', dedupKey = 'srv01/HTTP') {
  if (action !== 'trigger') return { routing_key: routingKey, dedup_key: dedupKey, event_action: action };
  return {
    payload: {
      summary: 'DISK at 99% on machine prod-datapipe03.example.com',
      timestamp: '2026-03-04T09:59:41.000+0000',
      severity: 'critical',
      source: 'prod-datapipe03.example.com',
      component: 'mysql',
      group: 'prod-datapipe',
      class: 'disk',
      custom_details: { free_space: '1%', ping_time: '1500ms', load_avg: 0.75 },
    },
    routing_key: routingKey,
    dedup_key: dedupKey,
    images: [{ src: 'https://chart.example.com/disk.png', href: 'https://monitoring.example.com/', alt: 'Disk chart' }],
    links: [{ href: 'https://monitoring.example.com/host/prod-datapipe03', text: 'Host dashboard' }],
    event_action: 'trigger',
    client: 'Sample Monitoring Service',
    client_url: 'https://monitoring.example.com',
  };
}

export const TOKENS = {
  KLAXON_PROMETHEUS_TOKEN: 'prom-secret-0123456789',
  KLAXON_GRAFANA_TOKEN: 'grafana-secret-0123456789',
  KLAXON_UPTIME_TOKEN: 'uptime-secret-0123456789',
  KLAXON_BACKUP_TOKEN: 'backup-secret-0123456789',
};

/** The bundled default policy with one integration of each kind. */
export function policyWithIntegrations(extra = '', prometheus = '') {
  // The bundled policy's own integrations are replaced by the four kinds under test.
  return `${readFileSync('examples/policies/default.yaml', 'utf8').split('\nintegrations:')[0]}
integrations:
  prometheus:
    type: alertmanager
    token_env: KLAXON_PROMETHEUS_TOKEN
    severity: { label: severity, map: { critical: sev1, warning: sev3 }, default: sev3 }
    resolve: auto
${prometheus}
  grafana:
    type: grafana
    token_env: KLAXON_GRAFANA_TOKEN
    severity: { default: sev2 }
  uptime:
    type: events_v2
    token_env: KLAXON_UPTIME_TOKEN
    severity: { map: { critical: sev1, error: sev2, warning: sev3, info: sev3 }, default: sev3 }
    resolve: auto
  nightly-backup:
    type: heartbeat
    token_env: KLAXON_BACKUP_TOKEN
    expect_every: 25h
    severity: { default: sev2 }
${extra}`;
}
