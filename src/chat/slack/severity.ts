import { findSeverity, type Policy } from '../../config/policy/index.js';

/** The policy's default severity (default_severity, else the least severe), as the service picks it. */
export function defaultSeverityId(policy: Policy): string {
  const id = policy.default_severity;
  return (id && findSeverity(policy, id)?.id) || policy.severities[policy.severities.length - 1].id;
}
