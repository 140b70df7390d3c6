// Incident roles: filled from the policy's role sources in the declaring transaction (or the
// first acknowledgement's), handed over by `role`, listed by `roles`. A rota hand-off never moves
// them: an incident keeps its holders until a person hands over.
import { eq, sql } from 'drizzle-orm';
import { prepared } from '../store/prepared.js';
import { USAGE } from '../domain/commands.js';
import { formatRoleSource, type RoleRule, type RoleRules, type RoleSource } from '../config/policy/roles.js';
import type { Policy, Severity } from '../config/policy/index.js';
import { roleAssignments } from '../store/tables.js';
import { type Actor, personName, SYSTEM } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, type Incident, rolesOf, severityOf } from './incident-view.js';
import { whoIsOnCall } from './oncall.js';
import { postToIncident, queueAction } from './outbox-writer.js';
import type { Reply } from './reply.js';
import { refreshSpace } from './space.js';
import { addTimeline } from './timeline.js';

/** The severity's rule for each role: the policy's defaults with the severity's overrides. */
export function roleRules(policy: Policy, sev: Severity): RoleRules {
  return { ...policy.role_rules, ...(sev.roles ?? {}) };
}

/** API and support escalations are declared by Klaxon or an integration, not by a person who could hold a role. */
const isPerson = (actor: Actor): boolean => actor.platform !== 'api' && actor.platform !== 'system';

/** Why someone holds a role, in the words the timeline and `roles` use. */
function why(source: string | null): string {
  if (!source) return 'handed over';
  if (source.startsWith('schedule:')) return `on call for ${source.slice('schedule:'.length)}`;
  if (source.startsWith('person:')) return 'named by the policy';
  return source === 'declarer' ? 'declared it' : 'acknowledged first';
}

/** Who a rule names right now; `acknowledger` ends the walk, since that role waits for the acknowledgement. */
async function holderFrom(ctx: Ctx, rule: RoleRule, declarer: Actor): Promise<{ person: string; source: RoleSource } | undefined> {
  for (const source of rule) {
    if (source.kind === 'acknowledger') return undefined;
    if (source.kind === 'person') return { person: source.name, source };
    if (source.kind === 'declarer') {
      if (isPerson(declarer)) return { person: declarer.id, source };
      continue;
    }
    const person = (await whoIsOnCall(ctx.tx, ctx.policy, source.name, ctx.now)).person;
    if (person) return { person, source };
  }
  return undefined;
}

async function take(ctx: Ctx, incidentId: number, role: string, person: string, source: string | null): Promise<void> {
  await upsertRole(ctx.tx).execute({ incidentId, role, person, assignedAt: ctx.now, source });
}

const p = (name: string) => sql.placeholder(name);
/** Every declaration fills its roles through this: prepared once. */
const upsertRole = prepared((tx) =>
  tx
    .insert(roleAssignments)
    .values({ incidentId: p('incidentId'), role: p('role'), person: p('person'), assignedAt: p('assignedAt'), source: p('source') })
    .onConflictDoUpdate({ target: [roleAssignments.incidentId, roleAssignments.role], set: { person: sql`excluded.person`, assignedAt: sql`excluded.assigned_at`, source: sql`excluded.source` } })
    .prepare(),
);

export async function invite(ctx: Ctx, incidentId: number, people: string[]): Promise<void> {
  const unique = [...new Set(people)];
  if (unique.length === 0) return;
  for (const p of ctx.platforms) await queueAction(ctx, p, 'invite', 'incident', { people: unique }, { incidentId });
}

/**
 * Fills every role whose rule names someone now, inside the declaring transaction, so the
 * channel's first message, its topic and the invitations already carry the holders. Returns
 * the people who took a role.
 */
export async function fillRolesAtDeclaration(ctx: Ctx, inc: Incident, sev: Severity, declarer: Actor): Promise<string[]> {
  const people: string[] = [];
  for (const [role, rule] of Object.entries(roleRules(ctx.policy, sev))) {
    const h = await holderFrom(ctx, rule, declarer);
    if (!h) continue;
    const source = formatRoleSource(h.source);
    await take(ctx, inc.id, role, h.person, source);
    await addTimeline(ctx, inc.id, 'role', 'klaxon', `${personName(ctx.policy, h.person)} is ${role} (${why(source)})`);
    people.push(h.person);
  }
  return people;
}

/**
 * After a severity change: roles still empty whose new rule names a schedule or person are
 * filled now (a Sev 3 raised to Sev 1 gets the Sev 1 commander). `declarer` is not re-read:
 * the declaration is over.
 */
export async function fillEmptyRoles(ctx: Ctx, inc: Incident, sev: Severity): Promise<void> {
  const held = await rolesOf(ctx.tx, inc.id);
  const taken: [string, string][] = [];
  for (const [role, rule] of Object.entries(roleRules(ctx.policy, sev))) {
    if (held[role]) continue;
    const h = await holderFrom(ctx, rule.filter((s) => s.kind !== 'declarer'), SYSTEM);
    if (!h) continue;
    const source = formatRoleSource(h.source);
    await take(ctx, inc.id, role, h.person, source);
    await addTimeline(ctx, inc.id, 'role', 'klaxon', `${personName(ctx.policy, h.person)} is ${role} (${why(source)})`);
    taken.push([role, h.person]);
  }
  if (taken.length === 0) return;
  await postToIncident(ctx, inc.id, (_p, at) => ({ text: taken.map(([role, person]) => `${at(person)} is now ${role} for #${inc.id}.`).join('\n'), tone: 'info' }));
  await invite(ctx, inc.id, taken.map(([, person]) => person));
}

/**
 * The incident's first acknowledgement: roles whose rule waits for the acknowledger go to `by`,
 * in the acknowledging transaction. A role someone took by hand meanwhile stays theirs.
 */
export async function fillRolesOnAcknowledge(ctx: Ctx, inc: Incident, by: string): Promise<void> {
  const held = await rolesOf(ctx.tx, inc.id);
  const roles = Object.entries(roleRules(ctx.policy, severityOf(ctx.policy, inc)))
    .filter(([role, rule]) => !held[role] && rule.some((s) => s.kind === 'acknowledger'))
    .map(([role]) => role);
  if (roles.length === 0) return;
  for (const role of roles) {
    await take(ctx, inc.id, role, by, 'acknowledger');
    await addTimeline(ctx, inc.id, 'role', by, `${personName(ctx.policy, by)} is ${role} (${why('acknowledger')})`);
  }
  await postToIncident(ctx, inc.id, (_p, at) => ({ text: `${at(by)} acknowledged first and is now ${roles.join(' and ')} for #${inc.id}.`, tone: 'info' }));
  await invite(ctx, inc.id, [by]);
  await refreshSpace(ctx, inc);
}

/** `role commander @bob`: hands a role over, announcing "Alice → Bob" on the timeline and in the channel. */
export async function handOver(ctx: Ctx, actor: Actor, inc: Incident, role: string, person: string): Promise<string> {
  if (inc.status === 'resolved') throw new UserError('conflict', `#${inc.id} is resolved; its roles are history now.`);
  const names = Object.keys(roleRules(ctx.policy, severityOf(ctx.policy, inc)));
  const match = names.find((r) => r.toLowerCase() === role.toLowerCase());
  if (!match) throw new UserError('invalid', `Unknown role "${role}". Roles: ${names.join(', ')}.`, USAGE.role);
  const before = (await rolesOf(ctx.tx, inc.id))[match];
  const who = personName(ctx.policy, person);
  if (before === person) throw new UserError('conflict', `${who} is already ${match} for #${inc.id}.`);
  await take(ctx, inc.id, match, person, null);
  if (before) {
    const was = personName(ctx.policy, before);
    await addTimeline(ctx, inc.id, 'role', actor.id, `${titleCase(match)}: ${was} → ${who} (by ${actor.name})`);
    await postToIncident(ctx, inc.id, (_p, at) => ({ text: `${titleCase(match)} for #${inc.id}: ${was} → ${at(person)} (handed over by ${actor.name}).`, tone: 'info' }));
  } else {
    await addTimeline(ctx, inc.id, 'role', actor.id, `${who} is ${match} (set by ${actor.name})`);
    await postToIncident(ctx, inc.id, (_p, at) => ({ text: `${at(person)} is now ${match} for #${inc.id}.`, tone: 'info' }));
  }
  await invite(ctx, inc.id, [person]);
  await refreshSpace(ctx, inc);
  return match;
}

const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One line for the channel's first message: "Roles: commander Alice · comms open · scribe open". */
export async function rolesLine(ctx: Ctx, inc: Incident, sev: Severity): Promise<string> {
  const held = await rolesOf(ctx.tx, inc.id);
  const parts = Object.entries(roleRules(ctx.policy, sev)).map(([role, rule]) => {
    if (held[role]) return `${role} ${personName(ctx.policy, held[role])}`;
    return rule.some((s) => s.kind === 'acknowledger') ? `${role}: whoever acknowledges first` : `${role} open`;
  });
  return `Roles: ${parts.join(' · ')}`;
}

/** `roles [#N]`: who holds what, since when and why; open roles say how they get filled. */
export async function rolesReply(ctx: Ctx, inc: Incident): Promise<Reply> {
  const sev = severityOf(ctx.policy, inc);
  const rules = roleRules(ctx.policy, sev);
  const rows = (await ctx.tx.select().from(roleAssignments).where(eq(roleAssignments.incidentId, inc.id)));
  const held = new Map(rows.map((r) => [r.role, r]));
  const required = new Set(sev.required_roles);
  const names = [...Object.keys(rules), ...rows.map((r) => r.role).filter((r) => !Object.hasOwn(rules, r))];
  const lines = names.map((role) => {
    const h = held.get(role);
    if (h) return `${role}: ${personName(ctx.policy, h.person)} since ${formatTime(ctx.policy, h.assignedAt)} (${why(h.source)})`;
    const rule = rules[role] ?? [];
    const how = rule.some((s) => s.kind === 'acknowledger') ? ' — goes to whoever acknowledges first' : '';
    return `${role}: open${required.has(role) ? ' (required)' : ''}${how}`;
  });
  const title = `Roles on #${inc.id} ${inc.title}`;
  const text = [title, ...lines, `Hand one over with \`role #${inc.id} <role> @person\`.`].join('\n');
  return { ok: true, text, body: { text, title, lines } };
}
