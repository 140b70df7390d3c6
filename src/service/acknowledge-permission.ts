// Who may acknowledge a page. Whoever the page notified always may: it is theirs. Anyone else is
// taking someone else's page off them, which `permissions.acknowledge` governs; without it, the
// policy's `responders` group may (or, in a policy with no such group, anyone it names). A button
// or reaction seen by a person outside the policy does not stop the escalation.
import { and, eq } from 'drizzle-orm';
import { own } from '../domain/own.js';
import { pageNotifications } from '../store/tables.js';
import type { Actor } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';

type Rule = 'anyone' | string[];

function ruleOf(ctx: Ctx): Rule | 'policy people' {
  const set = (ctx.policy.permissions as Record<string, Rule | undefined>).acknowledge;
  if (set) return set;
  return own(ctx.policy.groups, 'responders') ? ['responders'] : 'policy people';
}

/** Refuses, saying why and what to do, unless the actor may acknowledge this page. */
export async function requireAcknowledge(ctx: Ctx, actor: Actor, page: { id: number; incidentId: number }): Promise<void> {
  if (actor.platform === 'system') return;
  const notified = (await ctx.tx.select({ id: pageNotifications.id }).from(pageNotifications).where(and(eq(pageNotifications.pageId, page.id), eq(pageNotifications.person, actor.id))))[0];
  if (notified) return;
  const rule = ruleOf(ctx);
  if (rule === 'anyone') return;
  if (rule === 'policy people') {
    if (own(ctx.policy.people, actor.id)) return;
    throw new UserError('forbidden', `You were not paged for #${page.incidentId} and are not in the policy, so you cannot acknowledge this page. Ask someone on call, or a responder.`);
  }
  const held = new Set([actor.id, ...(actor.roles ?? [])]);
  if (rule.some((group) => (own(ctx.policy.groups, group) ?? []).some((member) => held.has(member)))) return;
  throw new UserError(
    'forbidden',
    `You were not paged for #${page.incidentId}, and acknowledging someone else's page needs membership of ${rule.map((g) => `"${g}"`).join(' or ')} (permissions.acknowledge in the policy). Ask one of them, or have yourself paged with \`page #${page.incidentId} @you\`.`,
  );
}
