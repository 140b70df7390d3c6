// Runbook 003's "P1: auto-escalate after 2h" and 002's "notify secondary if SEV-2 persists":
// if the incident is still unmitigated that long after it was declared, page another policy once.
import type { Ctx } from './context.js';
import { after } from './cadence.js';
import { getIncident, type Incident, severityOf } from './incident-view.js';
import { markedAt, setMark } from './marks.js';
import { startPage } from './paging.js';
import { cancelIncidentTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';

export async function armAutoEscalation(ctx: Ctx, inc: Incident): Promise<void> {
  await cancelIncidentTimers(ctx, inc.id, ['auto_escalate']);
  const rule = severityOf(ctx.policy, inc).auto_escalate;
  if (!rule || inc.mitigatedAt || (await alreadyEscalated(ctx, inc.id))) return;
  await scheduleTimer(ctx, 'auto_escalate', after(ctx, inc.declaredAt, rule.after), { incidentId: inc.id });
}

/** Once per incident: changing severity back and forth must not page the next level again. */
async function alreadyEscalated(ctx: Ctx, incidentId: number): Promise<boolean> {
  return (await markedAt(ctx, incidentId, 'auto_escalate')) !== null;
}

export async function autoEscalate(ctx: Ctx, incidentId: number): Promise<void> {
  const inc = await getIncident(ctx.tx, incidentId);
  if (!inc || inc.status === 'resolved' || inc.mitigatedAt || (await alreadyEscalated(ctx, incidentId))) return;
  // Deliberately not gated on the automation switch: a missed mitigation must never vanish
  // because someone turned Klaxon's auto-replies off during the incident (issue #13).
  const rule = severityOf(ctx.policy, inc).auto_escalate;
  if (!rule) return;
  await setMark(ctx, inc.id, 'auto_escalate');
  await addTimeline(ctx, inc.id, 'auto_escalate', 'klaxon', `Still unmitigated after ${rule.after.text}: escalating to ${rule.page}`);
  await startPage(ctx, inc, { policy: rule.page }, 'klaxon');
}
