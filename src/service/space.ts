// The incident's channel topic (Slack) and thread name (Discord): severity, status and who holds
// the roles, so anyone opening the channel sees who to talk to.
import { personName } from './actor.js';
import type { Policy } from '../config/policy/index.js';
import type { Ctx } from './context.js';
import { getIncident, type Incident, rolesOf, severityLabel, severityOf } from './incident-view.js';
import { queueAction } from './outbox-writer.js';

/** "SEV2 · investigating · commander Alice · comms Uma": the commander always, other roles once held. */
export function spaceTopic(policy: Policy, inc: Incident, roles: Record<string, string>): string {
  const rank = (role: string) => (policy.roles.indexOf(role) + 1 || Infinity);
  const others = Object.entries(roles)
    .filter(([role]) => role !== 'commander')
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([role, person]) => `${role} ${personName(policy, person)}`);
  return [severityLabel(severityOf(policy, inc)), inc.status, `commander ${personName(policy, roles.commander)}`, ...others].join(' · ');
}

/** Queues the current topic on every platform. */
export async function refreshSpace(ctx: Ctx, inc: Incident): Promise<void> {
  const fresh = (await getIncident(ctx.tx, inc.id))!;
  const topic = spaceTopic(ctx.policy, fresh, await rolesOf(ctx.tx, inc.id));
  for (const p of ctx.platforms) await queueAction(ctx, p, 'topic', 'incident', { text: topic }, { incidentId: inc.id, priority: 2 });
}
