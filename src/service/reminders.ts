// Policy `reminders:` — scheduled messages that are not incidents (a retention purge, the weekly
// operations report): each posts its text to a channel on its cron, in the policy's time zone.
// Timers live in the DB like every other: one pending per reminder, armed at start-up and re-armed
// when it fires; after downtime it posts once, not once per missed slot.
import { and, eq } from 'drizzle-orm';
import { nextCron, parseCron } from '../domain/cron.js';
import { timers } from '../store/tables.js';
import type { Ctx } from './context.js';
import { postToChannel, PRIORITY } from './outbox-writer.js';
import { scheduleTimer } from './timers.js';

const reminderKey = (i: number, cron: string) => `reminder:${i}:${cron}`;

async function armReminder(ctx: Ctx, index: number, from: Date): Promise<void> {
  const r = ctx.policy.reminders[index];
  const spec = r && parseCron(r.cron);
  const next = spec && nextCron(spec, from, ctx.policy.timezone);
  if (next) await scheduleTimer(ctx, 'reminder', next, { key: reminderKey(index, r.cron), data: { index, cron: r.cron } });
}

/** Start-up: each reminder has its next post armed (a reminder edited in the policy gets a new key). */
export async function ensureReminderTimers(ctx: Ctx): Promise<void> {
  for (const [i, r] of ctx.policy.reminders.entries()) {
    const key = reminderKey(i, r.cron);
    const pending = (await ctx.tx.select({ id: timers.id }).from(timers).where(and(eq(timers.key, key), eq(timers.status, 'pending'))))[0];
    if (!pending) await armReminder(ctx, i, ctx.now);
  }
}

/** A reminder fell due: post it (safe mode holds it back, like every automatic post outside incidents) and arm the next. */
export async function remind(ctx: Ctx, index: number, cron: string, at: Date): Promise<void> {
  const r = ctx.policy.reminders[index];
  // The policy changed under this timer: its reminder is gone or re-timed (start-up arms the new one).
  if (!r || r.cron !== cron) return;
  await postToChannel(ctx, r.channel, () => ({ text: `🔔 ${r.text}`, tone: 'info' }), { priority: PRIORITY.low });
  await armReminder(ctx, index, new Date(Math.max(at.getTime(), ctx.now.getTime())));
}
