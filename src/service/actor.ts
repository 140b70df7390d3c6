import type { Platform } from './port.js';
import type { Policy } from '../config/policy/index.js';

/**
 * Who did something. `id` is a policy person id when the platform user maps to one, otherwise
 * "<platform>:<user id>" so people outside the policy can still declare and be recorded.
 */
export type Actor = {
  id: string;
  name: string;
  platform: Platform | 'api' | 'system';
  /** Platform roles and groups the user holds, as policy group entries ("discord-role:123"). */
  roles?: string[];
};

export const SYSTEM: Actor = { id: 'klaxon', name: 'Klaxon', platform: 'system' };

/** Finds the policy person behind a platform user ID, or records the user by platform and ID. */
export function actorFor(policy: Policy, platform: Platform, userId: string, displayName?: string, roles?: string[]): Actor {
  if (platform === 'console') {
    const person = policy.people[userId];
    return { id: userId, name: person?.name ?? displayName ?? userId, platform, roles };
  }
  for (const [id, p] of Object.entries(policy.people)) {
    if (p[platform] === userId) return { id, name: p.name, platform, roles };
  }
  return { id: `${platform}:${userId}`, name: displayName ?? userId, platform, roles };
}

/** The platform user ID to reach a person on a platform, if they have one there. */
export function platformUserId(policy: Policy, person: string, platform: Platform): string | undefined {
  if (platform === 'console') return person.includes(':') ? undefined : person;
  const prefix = `${platform}:`;
  if (person.startsWith(prefix)) return person.slice(prefix.length);
  return policy.people[person]?.[platform];
}

export function personName(policy: Policy, person: string | null | undefined): string {
  if (!person) return 'unassigned';
  return policy.people[person]?.name ?? person.replace(/^(slack|discord|console):/, '');
}
