// Who may see an incident on the public status page. Pure: the clock's `now` is an argument.
// A public severity alone is not enough: a blip fixed within `publish_after` never goes public
// (runbook 000: "publish incidents lasting > 30 minutes"), even after it is resolved.
import { parseDuration, type Duration } from '../domain/duration.js';
import { findSeverity, type Policy, policyCalendar } from '../config/policy/index.js';
import { addDuration } from '../domain/business-time.js';

const DEFAULT_PUBLISH_AFTER = parseDuration('30m')!;

export type VisibilityFacts = { severity: string; declaredAt: Date; resolvedAt: Date | null };

/** The severity's own `publish_after` (runbook 003 publishes Critical/High sooner), else the status page's. */
export function publishAfter(policy: Policy, severity?: string): Duration {
  const own = severity ? findSeverity(policy, severity)?.publish_after : undefined;
  return own ?? policy.status_page?.publish_after ?? DEFAULT_PUBLISH_AFTER;
}

/** When the incident becomes publishable if it is still open (publish_after may be business time). */
export function publishableAt(policy: Policy, inc: Pick<VisibilityFacts, 'declaredAt' | 'severity'>): Date {
  return addDuration(inc.declaredAt, publishAfter(policy, inc.severity), policyCalendar(policy));
}

/**
 * Public severity, and open for at least `publish_after` by `now` (or, once resolved, by the
 * time it was resolved). The severity is the incident's current one.
 */
export function isPubliclyVisible(policy: Policy, inc: VisibilityFacts, now: Date): boolean {
  if (!findSeverity(policy, inc.severity)?.public) return false;
  const end = inc.resolvedAt ?? now;
  return publishableAt(policy, inc).getTime() <= end.getTime();
}
