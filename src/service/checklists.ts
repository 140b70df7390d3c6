// Phase checklists (runbook 003's "Detection & triage", "Initial response", "Resolution" steps):
// posted when the incident enters a phase, ticked with `/incident check <n>`, shown by `status`
// and in the postmortem draft. Items are numbered across the incident so a number never changes.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Policy, Severity } from '../config/policy/index.js';
import { USAGE } from '../domain/commands.js';
import { checklistItems } from '../store/tables.js';
import { prepared } from '../store/prepared.js';
import type { Db, Tx } from '../store/db.js';
import { type Actor, personName } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, type Incident } from './incident-view.js';
import { postToIncident } from './outbox-writer.js';
import type { Button } from './port.js';
import { addTimeline } from './timeline.js';

export type Phase = 'declared' | 'mitigated' | 'resolved';
const HEADING: Record<Phase, string> = { declared: 'Checklist', mitigated: 'Mitigated: next steps', resolved: 'Resolved: wrap-up' };

type ItemSpec = { text: string; action?: string };

/** The items a severity lists for a phase, shared lists (`use: intake`) spelled out in place. */
export function phaseItems(policy: Policy, sev: Severity, phase: Phase): ItemSpec[] {
  const own = sev.checklists?.[phase] ?? [];
  const spec = (e: string | { text?: string; action: string }): ItemSpec =>
    typeof e === 'string' ? { text: e } : { text: e.text ?? policy.actions[e.action]?.description ?? `Run ${e.action}`, action: e.action };
  const items = own.flatMap((e) => (typeof e === 'object' && 'use' in e ? (policy.checklists[e.use] ?? []).map(spec) : [spec(e)]));
  // `checklist` (SPEC §7) is the declared phase's list too.
  return phase === 'declared' ? [...sev.checklist.map((text) => ({ text })), ...items] : items;
}

type Item = typeof checklistItems.$inferSelect;

export async function itemsOf(tx: Tx | Db, incidentId: number): Promise<Item[]> {
  return await itemsById(tx).execute({ id: incidentId });
}

/** Read by every `status`: prepared once. */
const itemsById = prepared((tx) => tx.select().from(checklistItems).where(eq(checklistItems.incidentId, sql.placeholder('id'))).orderBy(asc(checklistItems.n)).prepare());

const openLine = (i: Pick<Item, 'n' | 'text' | 'action'>) => `☐ ${i.n}. ${i.text}${i.action ? ` (action ${i.action})` : ''}`;
const line = (policy: Policy, i: Item) =>
  i.checkedAt ? `☑ ${i.n}. ${i.text} (${personName(policy, i.checkedBy)}, ${formatTime(policy, i.checkedAt)})` : openLine(i);

/** Discord shows at most 25 buttons on a message (5 rows of 5); items past that are ticked by command. */
const MAX_BUTTONS = 25;

/**
 * A Tick button per item, and a Run button for an item done with a policy action (which asks to
 * confirm, as the command does). Each runs the chat command as the person pressing it.
 */
export function checklistButtons(incidentId: number, items: Pick<Item, 'n' | 'action'>[]): Button[] {
  const out: Button[] = [];
  for (const i of items) {
    if (i.action) out.push({ id: 'command', label: `Run ${i.action}`, value: `action #${incidentId} ${i.action}`, style: 'danger' });
    out.push({ id: 'command', label: `Tick ${i.n}`, value: `check #${incidentId} ${i.n}` });
  }
  return out.slice(0, MAX_BUTTONS);
}

/** Every item with its state, for `status` and the postmortem draft. */
export async function checklistLines(tx: Tx | Db, policy: Policy, incidentId: number): Promise<string[]> {
  return (await itemsOf(tx, incidentId)).map((i) => line(policy, i));
}

/**
 * Stores the phase's items (once: entering a phase again adds nothing) and returns them. The
 * caller decides where they are shown (the declaration message carries the first list).
 */
export async function openPhase(ctx: Ctx, inc: Incident, sev: Severity, phase: Phase): Promise<{ lines: string[]; buttons: Button[] }> {
  const specs = phaseItems(ctx.policy, sev, phase);
  if (specs.length === 0) return { lines: [], buttons: [] };
  const already = (await ctx.tx.select({ n: sql<number>`count(*)` }).from(checklistItems).where(and(eq(checklistItems.incidentId, inc.id), eq(checklistItems.phase, phase))))[0];
  if ((already?.n ?? 0) > 0) return { lines: [], buttons: [] };
  const last = (await ctx.tx.select({ n: sql<number>`coalesce(max(${checklistItems.n}), 0)` }).from(checklistItems).where(eq(checklistItems.incidentId, inc.id)))[0];
  let n = last?.n ?? 0;
  const rows = specs.map((item) => ({ incidentId: inc.id, n: ++n, phase, text: item.text, action: item.action ?? null }));
  await ctx.tx.insert(checklistItems).values(rows);
  return { lines: rows.map(openLine), buttons: checklistButtons(inc.id, rows) };
}

/** Entering `mitigated` or `resolved`: posts that phase's list, with how to tick it. */
export async function postPhase(ctx: Ctx, inc: Incident, sev: Severity, phase: Exclude<Phase, 'declared'>): Promise<void> {
  const { lines, buttons } = await openPhase(ctx, inc, sev, phase);
  if (lines.length === 0) return;
  const text = [`${HEADING[phase]} for #${inc.id} (tick with \`check #${inc.id} <n>\`):`, ...lines].join('\n');
  await postToIncident(ctx, inc.id, () => ({ text, title: `${HEADING[phase]} #${inc.id}`, lines, tone: 'info', actions: buttons }));
}

export async function checkItem(ctx: Ctx, actor: Actor, inc: Incident, n: number): Promise<Item> {
  const item = (await ctx.tx.select().from(checklistItems).where(and(eq(checklistItems.incidentId, inc.id), eq(checklistItems.n, n))))[0];
  if (!item) {
    const count = (await itemsOf(ctx.tx, inc.id)).length;
    throw new UserError('invalid', count ? `#${inc.id} has no checklist item ${n} (items 1–${count}).` : `#${inc.id} has no checklist.`, USAGE.check);
  }
  if (item.checkedAt) throw new UserError('invalid', `Item ${n} of #${inc.id} was ticked already by ${personName(ctx.policy, item.checkedBy)}.`);
  await ctx.tx.update(checklistItems).set({ checkedAt: ctx.now, checkedBy: actor.id }).where(and(eq(checklistItems.incidentId, inc.id), eq(checklistItems.n, n)));
  await addTimeline(ctx, inc.id, 'check', actor.id, `${actor.name} ticked ${n}. ${item.text}`);
  await postToIncident(ctx, inc.id, () => ({ text: `☑ ${n}. ${item.text} (${actor.name})`, tone: 'good' }));
  return { ...item, checkedAt: ctx.now, checkedBy: actor.id };
}
