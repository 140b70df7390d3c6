// Runbook 003's "P1: auto-escalate after 2h" and 002's "notify secondary if SEV-2 persists":
// if the incident is still unmitigated that long after it was declared, page another policy once.
import type { Ctx } from './context.js';
import { after } from './cadence.js';
import { getIncident, type Incident, severityOf } from './incident-view.js';
import { markedAt, setMark } from './marks.js';
import { startPage } from './paging.js';
import { cancelIncidentTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';

export function armAutoEscalation(ctx: Ctx, inc: Incident): void {
  cancelIncidentTimers(ctx, inc.id, ['auto_escalate']);
  const rule = severityOf(ctx.policy, inc).auto_escalate;
  if (!rule || inc.mitigatedAt || alreadyEscalated(ctx, inc.id)) return;
  scheduleTimer(ctx, 'auto_escalate', after(ctx, inc.declaredAt, rule.after), { incidentId: inc.id });
}

/** Once per incident: changing severity back and forth must not page the next level again. */
function alreadyEscalated(ctx: Ctx, incidentId: number): boolean {
  return markedAt(ctx, incidentId, 'auto_escalate') !== null;
}

export function autoEscalate(ctx: Ctx, incidentId: number): void {
  const inc = getIncident(ctx.tx, incidentId);
  if (!inc || inc.status === 'resolved' || inc.mitigatedAt || alreadyEscalated(ctx, incidentId)) return;
  // Deliberately not gated on the automation switch: a missed mitigation must never vanish
  // because someone turned Klaxon's auto-replies off during the incident (issue #13).
  const rule = severityOf(ctx.policy, inc).auto_escalate;
  if (!rule) return;
  setMark(ctx, inc.id, 'auto_escalate');
  addTimeline(ctx, inc.id, 'auto_escalate', 'klaxon', `Still unmitigated after ${rule.after.text}: escalating to ${rule.page}`);
  startPage(ctx, inc, { policy: rule.page }, 'klaxon');
}
