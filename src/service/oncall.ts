import { and, gt, lte } from 'drizzle-orm';
import { onCallAt, type OnCall, type Override } from '../domain/rotation.js';
import type { Db, Tx } from '../store/db.js';
import { overrides } from '../store/tables.js';
import type { Policy } from '../config/policy/index.js';
import { UserError } from './errors.js';
import { own } from '../domain/own.js';

async function activeOverrides(tx: Tx | Db, at: Date): Promise<Override[]> {
  return (await tx
    .select()
    .from(overrides)
    .where(and(lte(overrides.start, at), gt(overrides.end, at))))
    .map((o) => ({ schedule: o.schedule, person: o.person, start: o.start, end: o.end }));
}

/** Who is on call for a schedule at a moment, overrides included. */
export async function whoIsOnCall(tx: Tx | Db, policy: Policy, schedule: string, at: Date): Promise<OnCall> {
  const s = own(policy.schedules, schedule);
  if (!s) throw new UserError('not_found', `There is no schedule "${schedule}". Schedules: ${Object.keys(policy.schedules).join(', ') || 'none'}.`);
  return onCallAt(s, at, policy.timezone, (await activeOverrides(tx, at)).filter((o) => o.schedule === schedule));
}
