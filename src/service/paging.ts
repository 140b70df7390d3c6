// Pages walk an escalation policy: tier 1 is notified, and each unacknowledged ack_timeout moves
// the page on to the next tier (earlier tiers stay notified), then round again `repeat` times.
import { runChanges } from '../store/transaction.js';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { prepared } from '../store/prepared.js';
import { policyCalendar, type Tier } from '../config/policy/index.js';
import { formatMs, parseDuration } from '../domain/duration.js';
import { isBusinessTime } from '../domain/business-time.js';
import { incidents, pageNotifications, type PagePlan, pages } from '../store/tables.js';
import { personName } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, getIncident, type Incident, incidentVars, rolesOf } from './incident-view.js';
import { pageBody, pageClosedBody, render } from './messages.js';
import { whoIsOnCall } from './oncall.js';
import { fillRolesOnAcknowledge } from './roles.js';
import { directMessage, editPageCopies, postToChannel, postToIncident, PRIORITY, queueAction } from './outbox-writer.js';
import { cancelIncidentTimers, cancelPageTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';
import { own } from '../domain/own.js';

export type Page = typeof pages.$inferSelect;

/** A page to one person or schedule rather than a policy waits this long before it is called exhausted. */
const DIRECT_PAGE_TIMEOUT = parseDuration('15m')!;
/** A step that fires this much after it fell due was missed while Klaxon was down: say so. */
const LATE_AFTER_MS = 60_000;

/** The plan a page starts with, copied onto it: an escalation policy's tiers, or one person or schedule. */
function planFor(ctx: Ctx, target: { policy?: string; target?: string }): PagePlan {
  if (target.policy) {
    const ep = own(ctx.policy.escalation_policies, target.policy);
    if (!ep) throw new Error(`no escalation policy ${target.policy} in the policy`);
    return { tiers: ep.tiers, repeat: ep.repeat };
  }
  return { tiers: [{ targets: [target.target!], ack_timeout: DIRECT_PAGE_TIMEOUT } as Tier], repeat: 0 };
}

/** The page's own plan. Pages started before plans were kept read the live policy (start-up checks it still has them). */
function planOf(ctx: Ctx, page: Pick<Page, 'policy' | 'target' | 'plan'>): PagePlan {
  return page.plan ?? planFor(ctx, page.policy ? { policy: page.policy } : { target: page.target });
}

/** People a tier reaches at a moment: schedules resolve to whoever is on call then. */
async function tierPeople(ctx: Ctx, tier: Tier, at: Date): Promise<string[]> {
  const people = new Set<string>();
  for (const t of tier.targets) {
    const [kind, name] = splitTarget(t);
    if (kind === 'schedule') {
      const who = (await whoIsOnCall(ctx.tx, ctx.policy, name, at)).person;
      if (who) people.add(who);
    } else people.add(name);
  }
  return [...people];
}

function splitTarget(t: string): ['schedule' | 'person', string] {
  const i = t.indexOf(':');
  return [t.slice(0, i) as 'schedule' | 'person', t.slice(i + 1)];
}

function tierApplies(ctx: Ctx, tier: Tier, at: Date): boolean {
  if (!tier.when) return true;
  const inHours = isBusinessTime(at, policyCalendar(ctx.policy));
  return tier.when === 'business_hours' ? inHours : !inHours;
}

/** The next step after (tier, cycle), skipping tiers whose `when` does not hold at `at`. */
function nextStep(ctx: Ctx, page: Page, tier: number, cycle: number, at: Date): { tier: number; cycle: number } | null {
  const { tiers, repeat } = planOf(ctx, page);
  let t = tier;
  let c = cycle;
  // Bounded: at most every tier of every remaining cycle is looked at once.
  for (let guard = 0; guard <= tiers.length * (repeat + 1); guard++) {
    t++;
    if (t >= tiers.length) {
      t = 0;
      c++;
      if (c > repeat) return null;
    }
    if (tierApplies(ctx, tiers[t], at)) return { tier: t, cycle: c };
  }
  return null;
}

/** Starts a page for an incident. Returns the page id, or null when no tier applies right now. */
export async function startPage(ctx: Ctx, inc: Incident, target: { policy?: string; target?: string }, by: string): Promise<number | null> {
  const row = (await ctx.tx
    .insert(pages)
    .values({
      incidentId: inc.id,
      severity: inc.severity,
      policy: target.policy ?? null,
      target: target.target ?? `policy:${target.policy}`,
      status: 'open',
      tier: -1,
      cycle: 0,
      createdAt: ctx.now,
      plan: planFor(ctx, target),
    })
    .returning())[0];
  const first = nextStep(ctx, row, -1, 0, ctx.now);
  await addTimeline(ctx, inc.id, 'page', by, `Paged ${describeTarget(row)}`);
  if (!first) {
    await closePage(ctx, row, 'exhausted');
    await addTimeline(ctx, inc.id, 'page', 'klaxon', `No tier of ${describeTarget(row)} applies now; nobody was paged`);
    return null;
  }
  const next = await fireStep(ctx, inc, row, first, ctx.now);
  await scheduleTimer(ctx, 'escalate', next, { incidentId: inc.id, pageId: row.id });
  return row.id;
}

function describeTarget(page: Pick<Page, 'policy' | 'target'>): string {
  if (page.policy) return `escalation policy ${page.policy}`;
  return page.target.replace(':', ' ');
}

/** Notifies one tier and arms the timer for the next step. `due` is when the step should have happened. */
async function fireStep(ctx: Ctx, inc: Incident, page: Page, step: { tier: number; cycle: number }, due: Date): Promise<Date> {
  const { tiers } = planOf(ctx, page);
  const tier = tiers[step.tier];
  const lateMs = ctx.now.getTime() - due.getTime();
  const late = lateMs > LATE_AFTER_MS ? lateMs : 0;
  const people = await tierPeople(ctx, tier, due);
  await ctx.tx.update(pages).set({ tier: step.tier, cycle: step.cycle }).where(eq(pages.id, page.id));
  const vars = { ...incidentVars(ctx.policy, inc, await rolesOf(ctx.tx, inc.id)), tier: step.cycle > 0 ? `${step.tier + 1} (round ${step.cycle + 1})` : step.tier + 1, late_by: late ? formatMs(late) : '' };
  const fresh: string[] = [];
  for (const person of people) {
    const inserted = (await runChanges(ctx.tx
      .insert(pageNotifications)
      .values({ pageId: page.id, person, tier: step.tier, cycle: step.cycle, notifiedAt: ctx.now, dueAt: due })
      .onConflictDoNothing()));
    if (inserted.changes === 0) continue;
    fresh.push(person);
    await directMessage(ctx, person, (p, at) => pageBody(ctx.policy, { ...vars, person: at(person) }, page.id, tiers.length, !!late), { priority: PRIORITY.page, incidentId: inc.id, pageId: page.id });
  }
  if (fresh.length > 0) {
    // A Slack channel is members-only: paged responders join it before they are mentioned there.
    if (ctx.platforms.includes('slack')) await queueAction(ctx, 'slack', 'invite', 'incident', { people: fresh }, { incidentId: inc.id, priority: PRIORITY.page });
    await postToIncident(ctx, inc.id, (p, at) => pageBody(ctx.policy, { ...vars, person: fresh.map(at).join(' ') }, page.id, tiers.length, !!late), { priority: PRIORITY.page, pageId: page.id });
  }
  const who = fresh.length ? fresh.map((p) => personName(ctx.policy, p)).join(', ') : 'nobody (no one on call)';
  const round = step.cycle > 0 ? ` (repeat ${step.cycle})` : '';
  await addTimeline(ctx, inc.id, 'page', 'klaxon', `Tier ${step.tier + 1}${round} of ${describeTarget(page)} notified: ${who}${late ? ` — late by ${formatMs(late)}` : ''}`);
  const next = new Date(due.getTime() + (tier.ack_timeout as { ms: number }).ms);
  return next;
}

/**
 * The escalation timer for a page fell due. Steps that fell due while Klaxon was down all fire
 * now, once each, in order, and say how late they are.
 */
const pageById = prepared((tx) => tx.select().from(pages).where(eq(pages.id, sql.placeholder('id'))).prepare());

export async function escalate(ctx: Ctx, pageId: number, due: Date): Promise<void> {
  let page = (await pageById(ctx.tx).execute({ id: pageId }))[0];
  if (!page || page.status !== 'open') return;
  const inc = (await getIncident(ctx.tx, page.incidentId))!;
  let at = due;
  for (;;) {
    const step = nextStep(ctx, page, page.tier, page.cycle, at);
    if (!step) {
      await exhaust(ctx, inc, page, at);
      return;
    }
    const nextDue = await fireStep(ctx, inc, page, step, at);
    page = { ...page, tier: step.tier, cycle: step.cycle };
    if (nextDue > ctx.now) {
      await scheduleTimer(ctx, 'escalate', nextDue, { incidentId: inc.id, pageId: page.id });
      return;
    }
    at = nextDue;
  }
}

async function exhaust(ctx: Ctx, inc: Incident, page: Page, at: Date): Promise<void> {
  await closePage(ctx, page, 'exhausted');
  const vars = { ...incidentVars(ctx.policy, inc, await rolesOf(ctx.tx, inc.id)), tier: page.tier + 1 };
  const text = render(ctx.policy, 'exhausted', vars) + (page.cycle > 0 ? ` (${page.cycle} repeat(s) of ${describeTarget(page)})` : ` (${describeTarget(page)})`);
  await addTimeline(ctx, inc.id, 'page', 'klaxon', `Page of ${describeTarget(page)} exhausted at ${formatTime(ctx.policy, at)}`);
  const body = () => ({ text, title: 'Page exhausted', tone: 'alert' as const });
  await postToIncident(ctx, inc.id, body, { priority: PRIORITY.page });
  await postToChannel(ctx, 'announcements', body, { priority: PRIORITY.page, incidentId: inc.id });
  await editPageCopies(ctx, page.id, () => pageClosedBody(`Page for #${inc.id} ${inc.title}: exhausted, nobody acknowledged.`));
}

async function closePage(ctx: Ctx, page: Page, status: 'acknowledged' | 'exhausted' | 'cancelled', by?: string): Promise<void> {
  await ctx.tx
    .update(pages)
    .set({ status, closedAt: ctx.now, acknowledgedAt: status === 'acknowledged' ? ctx.now : null, acknowledgedBy: by ?? null })
    .where(eq(pages.id, page.id));
  await cancelPageTimers(ctx, page.id);
}

export async function openPagesOf(ctx: Ctx, incidentId: number): Promise<Page[]> {
  return (await ctx.tx.select().from(pages).where(and(eq(pages.incidentId, incidentId), eq(pages.status, 'open'))));
}

/** Pages of an incident that notified a person and are still open. */
export async function openPagesNotifying(ctx: Ctx, incidentId: number, person: string): Promise<Page[]> {
  const mine: Page[] = [];
  for (const p of await openPagesOf(ctx, incidentId)) {
    const notified = await ctx.tx.select({ id: pageNotifications.id }).from(pageNotifications).where(and(eq(pageNotifications.pageId, p.id), eq(pageNotifications.person, person))).limit(1);
    if (notified.length) mine.push(p);
  }
  return mine;
}

/** Acknowledges one page. Only an open page can be acknowledged; a resolved incident's page stays closed. */
export async function acknowledgePage(ctx: Ctx, inc: Incident, page: Page, by: string): Promise<void> {
  if (page.status !== 'open') throw new UserError('conflict', closedReason(ctx, page));
  await closePage(ctx, page, 'acknowledged', by);
  // The incident's acknowledgement is the first one; later pages acknowledged keep it.
  const first = (await runChanges(ctx.tx.update(incidents).set({ acknowledgedAt: ctx.now }).where(and(eq(incidents.id, inc.id), isNull(incidents.acknowledgedAt))))).changes === 1;
  await cancelIncidentTimers(ctx, inc.id, ['target_acknowledge']);
  const name = personName(ctx.policy, by);
  const after = formatMs(ctx.now.getTime() - page.createdAt.getTime());
  await addTimeline(ctx, inc.id, 'ack', by, `${name} acknowledged the page of ${describeTarget(page)} after ${after}`);
  await editPageCopies(ctx, page.id, () => pageClosedBody(`✅ Acknowledged by ${name} at ${formatTime(ctx.policy, ctx.now)} — page for #${inc.id} ${inc.title}`));
  await postToIncident(ctx, inc.id, (_p, at) => ({ text: `✅ ${at(by)} acknowledged the page (after ${after}).`, tone: 'good' }), { priority: PRIORITY.page });
  if (first) await fillRolesOnAcknowledge(ctx, inc, by);
}

function closedReason(ctx: Ctx, page: Page): string {
  if (page.status === 'acknowledged') return `That page was already acknowledged by ${personName(ctx.policy, page.acknowledgedBy)} at ${formatTime(ctx.policy, page.acknowledgedAt)}.`;
  if (page.status === 'cancelled') return 'That page was cancelled because the incident was resolved; there is nothing to acknowledge.';
  return 'That page is exhausted; page again with `page`.';
}

/** Resolving an incident cancels its open pages and rewrites their copies. */
export async function cancelPages(ctx: Ctx, inc: Incident): Promise<number> {
  const open = await openPagesOf(ctx, inc.id);
  for (const p of open) {
    await closePage(ctx, p, 'cancelled');
    await editPageCopies(ctx, p.id, () => pageClosedBody(`Page for #${inc.id} ${inc.title}: cancelled, the incident is resolved.`));
  }
  return open.length;
}

export async function findPage(ctx: Ctx, pageId: number): Promise<Page | undefined> {
  return (await ctx.tx.select().from(pages).where(eq(pages.id, pageId)))[0];
}

