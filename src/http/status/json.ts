// GET /status.json: the status page as data, for embedding in other sites and for monitors.
import { iso } from '../json.js';
import type { PublicIncident, StatusModel } from './model.js';

function incidentJson(i: PublicIncident) {
  return {
    number: i.number,
    title: i.title,
    severity: i.severity.id,
    severityName: i.severity.name,
    status: i.status,
    declaredAt: iso(i.declaredAt),
    resolvedAt: iso(i.resolvedAt),
    components: i.components,
    updates: i.updates.map((u) => ({ at: iso(u.at), kind: u.kind, status: u.status, text: u.text })),
  };
}

export function statusJson(m: StatusModel) {
  const worst = m.open[0]?.severity;
  return {
    title: m.title,
    generatedAt: iso(m.now),
    // "none" when everything is fine, else the worst open public severity: one field for a monitor to watch.
    indicator: worst ? worst.id : 'none',
    incidents: m.open.map(incidentJson),
    resolved: m.resolved.map(incidentJson),
    // "operational", or the worst open incident's severity and status ("sev1", "identified").
    components: m.components.map((c) => {
      const worst = c.affectedBy[0];
      return worst
        ? { name: c.name, status: worst.status, severity: worst.severity.id, incidents: c.affectedBy.map((i) => i.number) }
        : { name: c.name, status: 'operational', severity: null, incidents: [] };
    }),
    days: m.days.map((d) => ({ date: d.date, severity: d.worstRank === null ? null : m.severities.find((s) => s.rank === d.worstRank)?.id ?? null, incidents: d.incidents })),
  };
}
