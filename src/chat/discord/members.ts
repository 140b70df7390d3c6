// Who acted, as the service sees it: the policy person behind a Discord user, with the member's
// roles as policy group entries ("discord-role:123") so `groups` can grant permissions by role.
import { type APIInteractionGuildMember, type Client, type GuildMember, Routes } from 'discord.js';
import type { Policy } from '../../config/policy/index.js';
import { type Actor, actorFor } from '../../service/actor.js';

/** A guild member as discord.js or a raw gateway packet gives it. */
type RawMember = { roles?: string[]; nick?: string | null; user?: { global_name?: string | null; username?: string } };
type AnyMember = GuildMember | APIInteractionGuildMember | RawMember | null | undefined;

export function memberRoles(member: AnyMember): string[] {
  if (!member?.roles) return [];
  const ids = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return ids.map((id) => `discord-role:${id}`);
}

function displayName(member: AnyMember, fallback?: string): string | undefined {
  if (member && 'displayName' in member && typeof member.displayName === 'string') return member.displayName;
  const raw = member as RawMember | null | undefined;
  return raw?.nick ?? raw?.user?.global_name ?? raw?.user?.username ?? fallback;
}

export function discordActor(policy: Policy, userId: string, member: AnyMember, username?: string): Actor {
  return actorFor(policy, 'discord', userId, displayName(member, username), memberRoles(member));
}

const usesRoles = (policy: Policy) => Object.values(policy.groups).some((members) => members.some((m) => m.startsWith('discord-role:')));

/** True when resolveActor will have to ask Discord for the member (a network round trip). */
export function needsMemberLookup(policy: Policy, member: AnyMember): boolean {
  return !member && Boolean(policy.channels.discord?.guild) && usesRoles(policy);
}

/**
 * The actor for an event that may come without a member: a reaction or button press in a DM,
 * where pages are. When the policy grants anything by Discord role, the member is read from the
 * policy's guild so a role-holder may acknowledge from their DMs too.
 */
export async function resolveActor(client: Client, policy: Policy, userId: string, member: AnyMember, username?: string): Promise<Actor> {
  if (!needsMemberLookup(policy, member)) return discordActor(policy, userId, member, username);
  const guild = policy.channels.discord!.guild!;
  const fetched = (await client.rest.get(Routes.guildMember(guild, userId)).catch(() => null)) as RawMember | null;
  return discordActor(policy, userId, fetched, username);
}
