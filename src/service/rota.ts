// Rota upkeep driven by timers: hand-off notices to the people coming on and going off shift,
// Slack on-call user groups, and channel-topic announcements on a cron.
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { mentionOn } from './mention.js';
import { parseCron, nextCron } from '../domain/cron.js';
import { handoffsBetween } from '../domain/rotation.js';
import { timers } from '../store/tables.js';
import { personName, platformUserId } from './actor.js';
import { readSwitches, type Ctx } from './context.js';
import { formatTime } from './incident-view.js';
import { channelFor, directMessage, PRIORITY, queueAction } from './outbox-writer.js';
import { whoIsOnCall } from './oncall.js';
import { scheduleTimer } from './timers.js';
import { own } from '../domain/own.js';

const handoffKey = (s: string) => `handoff:${s}`;
const announceKey = (s: string) => `announce:${s}`;

async function hasPending(ctx: Ctx, key: string): Promise<boolean> {
  return !!(await ctx.tx.select({ id: timers.id }).from(timers).where(and(eq(timers.key, key), eq(timers.status, 'pending'))))[0];
}

/** The next regular hand-off after `from` (looking up to 32 days ahead covers every rotation, monthly too). */
function nextHandoff(ctx: Ctx, schedule: string, from: Date): Date | undefined {
  const s = own(ctx.policy.schedules, schedule);
  if (!s) return undefined;
  return handoffsBetween(s, from, new Date(from.getTime() + 32 * 86400_000), ctx.policy.timezone)[0];
}

/** Arms each schedule's next hand-off and announcement if none is pending (start-up, policy change). */
export async function ensureRotaTimers(ctx: Ctx): Promise<void> {
  for (const [name, s] of Object.entries(ctx.policy.schedules)) {
    if (!(await hasPending(ctx, handoffKey(name)))) {
      const at = nextHandoff(ctx, name, ctx.now);
      if (at) await scheduleTimer(ctx, 'handoff', at, { key: handoffKey(name), data: { schedule: name, regular: true } });
    }
    const spec = s.announce && parseCron(s.announce.cron);
    if (spec && !(await hasPending(ctx, announceKey(name)))) {
      const at = nextCron(spec, ctx.now, ctx.policy.timezone);
      if (at) await scheduleTimer(ctx, 'announce', at, { key: announceKey(name), data: { schedule: name } });
    }
  }
}

/** Points the schedule's Slack user group (@primary-oncall) at whoever is on call. */
async function syncUserGroup(ctx: Ctx, schedule: string, person: string | null | undefined): Promise<void> {
  const s = own(ctx.policy.schedules, schedule);
  if (!s?.slack_usergroup || !ctx.platforms.includes('slack')) return;
  const id = person && platformUserId(ctx.policy, person, 'slack');
  await queueAction(ctx, 'slack', 'usergroup', `usergroup:${s.slack_usergroup}`, { users: id ? [id] : [] });
}

/**
 * Start-up: every user group is set to who is on call now, not left as it was until the next
 * hand-off (the group may have been edited by hand, or Klaxon down across a hand-off or override).
 */
export async function syncUserGroups(ctx: Ctx): Promise<void> {
  for (const [name, s] of Object.entries(ctx.policy.schedules)) {
    if (s.slack_usergroup) await syncUserGroup(ctx, name, (await whoIsOnCall(ctx.tx, ctx.policy, name, ctx.now)).person);
  }
}

/** An override starts or ends at these moments: each is a hand-off too. */
export async function rotaChanged(ctx: Ctx, schedule: string, moments: Date[]): Promise<void> {
  for (const at of moments) {
    if (at.getTime() === ctx.now.getTime()) await handoff(ctx, schedule, at, false);
    else await scheduleTimer(ctx, 'handoff', at, { key: `${handoffKey(schedule)}:override`, data: { schedule, regular: false } });
  }
}

/** Tells whoever goes off and comes on, repoints the user group, and arms the next regular hand-off. */
export async function handoff(ctx: Ctx, schedule: string, at: Date, regular: boolean): Promise<void> {
  const s = own(ctx.policy.schedules, schedule);
  if (!s) return;
  const next = regular ? nextHandoff(ctx, schedule, at) : undefined;
  // Klaxon was down past later hand-offs too: this one is history, so tell nobody about it and
  // go straight to the latest that passed, whose step tells the people on shift now.
  if (next && next <= ctx.now) {
    const passed = handoffsBetween(s, at, ctx.now, ctx.policy.timezone);
    await scheduleTimer(ctx, 'handoff', passed[passed.length - 1], { key: handoffKey(schedule), data: { schedule, regular: true } });
    return;
  }
  const before = (await whoIsOnCall(ctx.tx, ctx.policy, schedule, new Date(at.getTime() - 1))).person;
  const now = await whoIsOnCall(ctx.tx, ctx.policy, schedule, at);
  if (before !== now.person && s.shift_notices) {
    const until = formatTime(ctx.policy, now.until);
    if (before) await directMessage(ctx, before, () => ({ text: `Your ${schedule} on-call shift has ended. ${personName(ctx.policy, now.person)} is on now.`, tone: 'info' }), { priority: PRIORITY.low });
    if (now.person) await directMessage(ctx, now.person, () => ({ text: `Your ${schedule} on-call shift starts now and runs until ${until}.`, tone: 'info' }), { priority: PRIORITY.low });
  }
  await syncUserGroup(ctx, schedule, now.person);
  if (next) await scheduleTimer(ctx, 'handoff', next, { key: handoffKey(schedule), data: { schedule, regular: true } });
}

/**
 * Who "On support today" names: the person on at today's hand-off when one is still to come today
 * (runbook 004 posts at 08:00 for a 09:00 hand-off: that is the day's person, not yesterday's),
 * else whoever is on now. Overrides at that moment count.
 */
async function onForTheDay(ctx: Ctx, schedule: string): Promise<string | undefined> {
  const s = own(ctx.policy.schedules, schedule)!;
  const endOfDay = DateTime.fromJSDate(ctx.now, { zone: ctx.policy.timezone }).endOf('day').toJSDate();
  const later = handoffsBetween(s, ctx.now, endOfDay, ctx.policy.timezone)[0];
  return (await whoIsOnCall(ctx.tx, ctx.policy, schedule, later ?? ctx.now)).person ?? undefined;
}

/** Sets the schedule's announce channel topic to its current on-call ("On support today: @alice"). */
export async function announce(ctx: Ctx, schedule: string, at: Date): Promise<void> {
  const s = own(ctx.policy.schedules, schedule);
  if (!s?.announce) return;
  const who = await onForTheDay(ctx, schedule);
  // A topic is posted automatically outside incident channels, which safe mode silences.
  if (!(await readSwitches(ctx.tx)).safeMode) {
    for (const p of ctx.platforms) {
      const channel = channelFor(ctx, p, s.announce.topic);
      if (!channel) continue;
      const id = who && platformUserId(ctx.policy, who, p);
      const mention = id ? mentionOn(p, id) : personName(ctx.policy, who);
      await queueAction(ctx, p, 'topic', `channel:${channel}`, { text: `On ${schedule} today: ${mention}` }, { priority: PRIORITY.low });
    }
  }
  const spec = parseCron(s.announce.cron);
  // From now, not from when this one fell due: after downtime the topic is set once, not per missed slot.
  const next = spec && nextCron(spec, new Date(Math.max(at.getTime(), ctx.now.getTime())), ctx.policy.timezone);
  if (next) await scheduleTimer(ctx, 'announce', next, { key: announceKey(schedule), data: { schedule } });
}
