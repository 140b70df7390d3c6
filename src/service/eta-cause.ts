// `/incident eta` and `/incident cause` (and `resolve … --cause`): the two facts runbook 003's
// templates ask for ({eta}, {root_cause}) that only people know. Stored on the incident so every
// later message, the status reply and the postmortem draft can show them.
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { parseClock } from '../domain/business-time.js';
import { parseDuration } from '../domain/duration.js';
import { incidents } from '../store/tables.js';
import type { Actor } from './actor.js';
import { after } from './cadence.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, getIncident, type Incident } from './incident-view.js';
import { postToIncident } from './outbox-writer.js';
import { addTimeline } from './timeline.js';

const MAX_TEXT = 300;

/**
 * What `{eta}` shows: a duration ("2h", "end of business day") or a time of day ("15:30", the next
 * such time in the policy's zone) becomes an instant; anything else ("after the vendor replies")
 * is kept as the responder wrote it.
 */
export function etaText(ctx: Pick<Ctx, 'policy' | 'now'>, when: string): string {
  const words = when.trim();
  const d = parseDuration(words);
  if (d) return formatTime(ctx.policy, after(ctx, ctx.now, d));
  if (/^\d{1,2}:\d{2}$/.test(words)) {
    let minutes: number;
    try {
      minutes = parseClock(words);
    } catch {
      throw new UserError('invalid', `"${words}" is not a time of day (HH:MM).`, 'eta [#N] <when>');
    }
    const local = DateTime.fromJSDate(ctx.now, { zone: ctx.policy.timezone });
    let at = local.startOf('day').plus({ minutes });
    if (at <= local) at = at.plus({ days: 1 });
    return formatTime(ctx.policy, at.toJSDate());
  }
  return words;
}

function requireOpenText(inc: Incident, text: string, what: string, usage: string): string {
  if (inc.status === 'resolved' && what === 'eta') throw new UserError('invalid', `#${inc.id} is resolved; it needs no ETA.`);
  const t = text.trim();
  if (!t) throw new UserError('invalid', `Give the ${what}.`, usage);
  if (t.length > MAX_TEXT) throw new UserError('invalid', `Keep the ${what} under ${MAX_TEXT} characters.`, usage);
  return t;
}

export async function setEta(ctx: Ctx, actor: Actor, inc: Incident, when: string): Promise<Incident> {
  const eta = etaText(ctx, requireOpenText(inc, when, 'eta', 'eta [#N] <when>'));
  await ctx.tx.update(incidents).set({ eta }).where(eq(incidents.id, inc.id));
  await addTimeline(ctx, inc.id, 'eta', actor.id, `${actor.name} set the ETA: ${eta}`);
  await postToIncident(ctx, inc.id, () => ({ text: `⏱️ ETA for #${inc.id}: ${eta} (from ${actor.name}).`, tone: 'info' }));
  return (await getIncident(ctx.tx, inc.id))!;
}

/** Recorded at any time, resolved or not: root causes are often found after the fix. */
export async function setCause(ctx: Ctx, actor: Actor, inc: Incident, text: string, quiet = false): Promise<Incident> {
  const cause = requireOpenText(inc, text, 'root cause', 'cause [#N] <root cause>');
  await ctx.tx.update(incidents).set({ rootCause: cause }).where(eq(incidents.id, inc.id));
  await addTimeline(ctx, inc.id, 'cause', actor.id, `${actor.name} recorded the root cause: ${cause}`);
  if (!quiet) await postToIncident(ctx, inc.id, () => ({ text: `🔎 Root cause of #${inc.id}: ${cause} (from ${actor.name}).`, tone: 'info' }));
  return (await getIncident(ctx.tx, inc.id))!;
}
