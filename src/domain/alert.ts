// The one shape every alert source (src/integrations/) is parsed into. The inbound service decides open / dedupe /
// resolve from this alone, so adding a source means writing a parser, nothing else.
import { createHash } from 'node:crypto';

export const INTEGRATION_TYPES = ['alertmanager', 'grafana', 'events_v2', 'heartbeat'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export type AlertLink = { label: string; url: string };

export type Alert = {
  /** Identity of the alert inside its group: a repeat carries the same fingerprint. */
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: AlertLink[];
};

export type AlertBatch = {
  /** `notify` reports alert states; `acknowledge` is Events v2's "someone is on it". */
  action: 'notify' | 'acknowledge';
  /** One open incident per integration and group key. */
  groupKey: string;
  /** A title the source gave (commonAnnotations.summary, Events v2 summary), if any. */
  summary?: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  /** The source's own severity word (Events v2 payload.severity); label-based sources leave it out. */
  severity?: string;
  alerts: Alert[];
  /** Alerts the sender left out of this body (Alertmanager's max_alerts). */
  truncatedAlerts: number;
  /** Links that belong to the whole group (Alertmanager externalURL). */
  links: AlertLink[];
};

/** A stable fingerprint from an alert's labels, for senders that do not give one. */
export function labelFingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels).sort().map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

// Labels that usually say which thing is alerting, most telling first.
const NAMING_LABELS = ['instance', 'host', 'hostname', 'pod', 'node', 'container', 'device', 'service', 'job'];

/**
 * How a timeline line names an alert ("web-1"): its instance, host, pod… unless the group is keyed
 * by that label (then every alert shares it), else its alert name. Stable across deliveries.
 */
export function alertName(alert: Alert, groupLabels: Record<string, string>): string {
  const key = NAMING_LABELS.find((k) => alert.labels[k] && !(k in groupLabels));
  return (key ? alert.labels[key] : alert.labels.alertname || alert.annotations.summary || alert.fingerprint).slice(0, 80);
}

/** `link(label, url)` or nothing: empty strings (Grafana's blank dashboardURL) are not links. */
export function link(label: string, url: string | undefined | null): AlertLink[] {
  return url && /^https?:\/\//.test(url) ? [{ label, url }] : [];
}
