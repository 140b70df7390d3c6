import { USAGE } from '../domain/commands.js';
import type { Duration } from '../domain/duration.js';
import { overrides } from '../store/tables.js';
import { type Actor, personName } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { formatTime } from './incident-view.js';
import { postToChannel } from './outbox-writer.js';
import { rotaChanged } from './rota.js';
import type { Reply } from './reply.js';
import { hasOwnKey } from '../domain/own.js';

/** `override <schedule> <@user> <duration>`: someone takes over a rota from now for a while. */
export async function createOverride(ctx: Ctx, actor: Actor, schedule: string, person: string, duration: Duration): Promise<Reply> {
  if (!hasOwnKey(ctx.policy.schedules, schedule)) throw new UserError('not_found', `There is no schedule "${schedule}". Schedules: ${Object.keys(ctx.policy.schedules).join(', ') || 'none'}.`, USAGE.override);
  if (duration.kind !== 'wall') throw new UserError('invalid', 'An override lasts a wall-clock time such as 2h or 3d, not business time.', USAGE.override);
  if (duration.ms > 90 * 24 * 3600_000) throw new UserError('invalid', 'An override can last at most 90 days; change the rota in the policy for longer.');
  const end = new Date(ctx.now.getTime() + duration.ms);
  await ctx.tx.insert(overrides).values({ schedule, person, start: ctx.now, end, createdBy: actor.id, createdAt: ctx.now });
  const who = personName(ctx.policy, person);
  const text = `${who} is on call for ${schedule} until ${formatTime(ctx.policy, end)} (override by ${actor.name}).`;
  await postToChannel(ctx, 'announcements', () => ({ text, tone: 'info' }), { automatic: false });
  await rotaChanged(ctx, schedule, [ctx.now, end]);
  return { ok: true, text };
}
