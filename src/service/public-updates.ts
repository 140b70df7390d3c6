// What customers read: `/incident public <text>` posts to the status page in the team's own
// customer wording, apart from the responders' `update`s (runbook 003's "Service Status Page"
// block). A severity's `public_updates: { every }` is how often customers must hear something
// while the incident is on the page; Klaxon nudges the incident channel when one is due.
// `/incident components` names the status page components (`status_page.components`) it affects.
import { eq } from 'drizzle-orm';
import { policyCalendar } from '../config/policy/index.js';
import { addDuration } from '../domain/business-time.js';
import { USAGE } from '../domain/commands.js';
import { incidents } from '../store/tables.js';
import type { Actor } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime, getIncident, type Incident, nudgee, rolesOf, severityLabel, severityOf } from './incident-view.js';
import { markedAt, setMark } from './marks.js';
import { postToIncident, PRIORITY } from './outbox-writer.js';
import { cancelIncidentTimers, scheduleTimer } from './timers.js';
import { addTimeline } from './timeline.js';
import { publishableAt } from './visibility.js';

const MAX_PUBLIC_TEXT = 2000;

export async function postPublicUpdate(ctx: Ctx, actor: Actor, inc: Incident, text: string): Promise<string> {
  if (inc.status === 'resolved') throw new UserError('conflict', `#${inc.id} is resolved; its resolution was its last public update.`);
  const sev = severityOf(ctx.policy, inc);
  if (!sev.public) {
    throw new UserError('invalid', `#${inc.id} is ${severityLabel(sev)}, which is not on the status page (the policy does not make it public). Raise the severity first if customers should see it.`);
  }
  const words = text.trim();
  if (!words) throw new UserError('invalid', 'A public update needs the text customers will read.', USAGE.public);
  if (words.length > MAX_PUBLIC_TEXT) throw new UserError('invalid', `Keep a public update under ${MAX_PUBLIC_TEXT} characters.`, USAGE.public);
  await addTimeline(ctx, inc.id, 'public_update', actor.id, `${actor.name} posted on the status page: ${words}`, { text: words, status: inc.status });
  await setMark(ctx, inc.id, 'public_update');
  const showsAt = publishableAt(ctx.policy, inc);
  const later = showsAt > ctx.now ? ` It shows on the status page from ${formatTime(ctx.policy, showsAt)} (publish_after).` : '';
  await postToIncident(ctx, inc.id, () => ({ text: `📣 Status page update for #${inc.id} (from ${actor.name}): ${words}${later}`, tone: 'info' }));
  await armPublicNudge(ctx, inc);
  return `Posted a public update on #${inc.id}.${later}`;
}

/**
 * When customers are next owed a public update: when the incident goes public if nobody has posted
 * one yet, then `every` after the last public update or the last nudge for one (so a nudge that
 * fired late, after downtime, is not followed by a burst).
 */
async function publicNudgeAt(ctx: Ctx, inc: Incident, fresh = false): Promise<Date | null> {
  if (inc.status === 'resolved') return null;
  const sev = severityOf(ctx.policy, inc);
  if (!sev.public || !sev.public_updates) return null;
  const goesPublic = publishableAt(ctx.policy, inc);
  if (fresh) return goesPublic;
  const last = [await markedAt(ctx, inc.id, 'public_update'), await markedAt(ctx, inc.id, 'public_nudge')].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0];
  if (!last) return goesPublic;
  const due = addDuration(last, sev.public_updates.every, policyCalendar(ctx.policy));
  return due > goesPublic ? due : goesPublic;
}

/** Replaces the pending public-update nudge with one computed from the current state. */
export async function armPublicNudge(ctx: Ctx, inc: Incident, fresh = false): Promise<void> {
  // `fresh`: the incident was declared in this transaction, so it has no timer and no marks yet.
  if (!fresh) await cancelIncidentTimers(ctx, inc.id, ['public_nudge']);
  const at = await publicNudgeAt(ctx, inc, fresh);
  if (at) await scheduleTimer(ctx, 'public_nudge', at, { incidentId: inc.id });
}

/** The timer fell due: re-checked from state (a public update may have come in since), then re-armed. */
export async function publicNudge(ctx: Ctx, incidentId: number): Promise<void> {
  const inc = await getIncident(ctx.tx, incidentId);
  if (!inc || inc.status === 'resolved') return;
  const due = await publicNudgeAt(ctx, inc);
  if (due && due <= ctx.now) {
    const who = nudgee(await rolesOf(ctx.tx, inc.id));
    const last = await markedAt(ctx, inc.id, 'public_update');
    const since = last ? `the last one was at ${formatTime(ctx.policy, last)}` : 'customers have had none yet';
    await postToIncident(
      ctx,
      inc.id,
      (_p, at) => ({
        text: `📣 ${who ? `${at(who)}: a` : 'A'} status page update is due for #${inc.id} (${since}). Post one with \`public #${inc.id} <what customers should know>\`.`,
        title: `Public update due on #${inc.id}`,
        tone: 'warn',
      }),
      { priority: PRIORITY.low },
    );
    await setMark(ctx, inc.id, 'public_nudge');
    await addTimeline(ctx, inc.id, 'public_nudge', 'klaxon', `Nudged for a status page update (${since})`);
  }
  await armPublicNudge(ctx, inc);
}

/** `/incident components #N API, Dashboard` (or `none`): names as the policy spells them. */
export async function setComponents(ctx: Ctx, actor: Actor, inc: Incident, names: string[]): Promise<Incident> {
  const known = ctx.policy.status_page?.components ?? [];
  if (known.length === 0) throw new UserError('invalid', 'The policy names no status page components (status_page.components).');
  if (inc.status === 'resolved') throw new UserError('conflict', `#${inc.id} is resolved; its components stay as they were.`);
  const chosen: string[] = [];
  for (const name of names) {
    const hit = known.find((k) => k.toLowerCase() === name.trim().toLowerCase());
    if (!hit) throw new UserError('invalid', `"${name}" is not a status page component. Components: ${known.join(', ')}.`, USAGE.components);
    if (!chosen.includes(hit)) chosen.push(hit);
  }
  await ctx.tx.update(incidents).set({ components: chosen.length ? chosen : null }).where(eq(incidents.id, inc.id));
  const what = chosen.length ? `affects ${chosen.join(', ')}` : 'affects no named component';
  await addTimeline(ctx, inc.id, 'components', actor.id, `${actor.name}: #${inc.id} ${what}`);
  await postToIncident(ctx, inc.id, () => ({ text: `🧩 #${inc.id} ${what} on the status page (from ${actor.name}).`, tone: 'info' }));
  return (await getIncident(ctx.tx, inc.id))!;
}
