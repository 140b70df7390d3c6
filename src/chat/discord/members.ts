// Who acted, as the service sees it: the policy person behind a Discord user, with the member's
// roles as policy group entries ("discord-role:123") so `groups` can grant permissions by role.
import type { APIInteractionGuildMember, GuildMember } from 'discord.js';
import type { Policy } from '../../config/policy.js';
import { type Actor, actorFor } from '../../service/actor.js';

/** A guild member as discord.js or a raw gateway packet gives it. */
type AnyMember = GuildMember | APIInteractionGuildMember | { roles?: string[]; nick?: string | null; user?: { global_name?: string | null; username?: string } } | null | undefined;

export function memberRoles(member: AnyMember): string[] {
  if (!member?.roles) return [];
  const ids = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return ids.map((id) => `discord-role:${id}`);
}

function displayName(member: AnyMember, fallback?: string): string | undefined {
  if (member && 'displayName' in member && typeof member.displayName === 'string') return member.displayName;
  const raw = member as { nick?: string | null; user?: { global_name?: string | null; username?: string } } | null | undefined;
  return raw?.nick ?? raw?.user?.global_name ?? raw?.user?.username ?? fallback;
}

export function discordActor(policy: Policy, userId: string, member: AnyMember, username?: string): Actor {
  return actorFor(policy, 'discord', userId, displayName(member, username), memberRoles(member));
}
