import type { Policy } from '../config/policy/index.js';
import type { Actor } from './actor.js';
import type { Action } from '../domain/commands.js';
import { UserError } from './errors.js';

/** Refuses with the groups that would be allowed, so the caller knows whom to ask. */
export function requirePermission(policy: Policy, actor: Actor, action: Action): void {
  if (actor.platform === 'system') return;
  const rule = (policy.permissions as Record<string, 'anyone' | string[] | undefined>)[action];
  if (rule === undefined || rule === 'anyone') return;
  const held = new Set([actor.id, ...(actor.roles ?? [])]);
  const allowed = rule.some((group) => (policy.groups[group] ?? []).some((member) => held.has(member)));
  if (!allowed) {
    const verb = action.replace('_', '-');
    throw new UserError('forbidden', `You are not allowed to ${verb}: it needs membership of ${rule.map((g) => `"${g}"`).join(' or ')} in the policy.`);
  }
}
