// `klaxon simulate`: runs the real service and scheduler on an in-memory database with a
// simulated clock, so what it prints is exactly what the live bot would do.
import { desc, eq } from 'drizzle-orm';
import { formatMs, parseDuration } from '../domain/duration.js';
import { loadEnv } from '../config/env.js';
import { findSeverity, loadPolicy, type Policy } from '../config/policy/index.js';
import { createLogger } from '../log.js';
import { tick, bootstrapTimers } from '../scheduler/tick.js';
import { SYSTEM, type Actor } from '../service/actor.js';
import { FakeClock } from '../service/clock.js';
import { formatTime, getIncident } from '../service/incident-view.js';
import { rolesReply } from '../service/roles.js';
import { Service } from '../service/service.js';
import { timelineOf } from '../service/timeline.js';
import { openDb, closeDb } from '../store/db.js';
import { pageNotifications, timers } from '../store/schema.js';
import { ArgError, parseArgs, parseInstant } from './args.js';
import { and, asc } from 'drizzle-orm';

export type SimulationEvent = { at: string; offset: string; offsetMs: number; kind: string; text: string };
export type SimulationInput = { policy: Policy; severity: string; start: Date; ackAfterMs?: number; mitigateAfterMs?: number; resolveAfterMs?: number; horizonMs?: number };

/** Plays an incident forward through every timer it arms; returns its timeline. */
export function simulate(input: SimulationInput): { events: SimulationEvent[]; roles: string[]; postmortemDue: string | null } {
  const { policy } = input;
  const sev = findSeverity(policy, input.severity);
  if (!sev) throw new ArgError(`unknown severity "${input.severity}"; known: ${policy.severities.map((s) => s.id).join(', ')}`);
  const db = openDb(':memory:');
  const clock = new FakeClock(input.start);
  const svc = new Service({ db, policy, clock, platforms: [], log: createLogger('silent') });
  try {
    bootstrapTimers(svc);
    const declarer: Actor = { ...SYSTEM, id: 'simulator', name: 'Simulator' };
    const r = svc.declareFrom(declarer, { title: 'Simulated incident', severity: sev.id });
    const id = r.incident!;
    // Who the policy's role sources name at the simulated moment (the simulator is no person, so
    // `declarer` stays open, as for an integration).
    const roles = svc.transact((ctx) => rolesReply(ctx, getIncident(ctx.tx, id)!)).body!.lines!;
    const start = input.start.getTime();
    const horizon = start + (input.horizonMs ?? 7 * 86400_000);
    const ackAt = input.ackAfterMs !== undefined ? start + input.ackAfterMs : Infinity;
    const resolveAt = input.resolveAfterMs !== undefined ? start + input.resolveAfterMs : Infinity;
    const mitigateAt = input.mitigateAfterMs !== undefined ? start + input.mitigateAfterMs : Infinity;
    let acked = false;
    let mitigated = false;
    for (let guard = 0; guard < 10_000; guard++) {
      const next = db.select().from(timers).where(and(eq(timers.status, 'pending'), eq(timers.incidentId, id))).orderBy(asc(timers.dueAt)).get();
      const nextAt = next ? next.dueAt.getTime() : Infinity;
      const moment = Math.min(nextAt, acked ? Infinity : ackAt, mitigated ? Infinity : mitigateAt, resolveAt);
      if (moment === Infinity || moment > horizon) break;
      clock.set(new Date(moment));
      if (!acked && moment === ackAt) {
        acked = true;
        svc.run(lastPaged(svc), `ack #${id}`);
      } else if (!mitigated && moment === mitigateAt) {
        mitigated = true;
        svc.run(declarer, `mitigate #${id} Simulated mitigation`);
      } else if (moment === resolveAt) {
        svc.run(declarer, `resolve #${id} Simulated resolution`);
        break;
      } else tick(svc);
    }
    const inc = getIncident(db, id)!;
    const events = timelineOf(db, id).map((e) => {
      const offsetMs = e.at.getTime() - start;
      return { at: e.at.toISOString(), offset: offsetMs === 0 ? '+0' : `+${formatMs(offsetMs)}`, offsetMs, kind: e.kind, text: e.text };
    });
    return { events, roles, postmortemDue: inc.postmortemDueAt ? formatTime(policy, inc.postmortemDueAt) : null };
  } finally {
    closeDb(db);
  }
}

/** The most recently paged person acknowledges, as they would in real life. */
function lastPaged(svc: Service): Actor {
  const row = svc.deps.db.select().from(pageNotifications).orderBy(desc(pageNotifications.id)).get();
  return row ? { id: row.person, name: svc.policy.people[row.person]?.name ?? row.person, platform: 'system' } : SYSTEM;
}

export async function simulateCommand(args: string[]): Promise<number> {
  try {
    const { opts } = parseArgs(args, { values: ['policy', 'severity', 'ack-after', 'mitigate-after', 'resolve-after', 'at'], flags: ['json'] });
    if (typeof opts.severity !== 'string') throw new ArgError('--severity is required');
    const dur = (name: string) => {
      const v = opts[name];
      if (typeof v !== 'string') return undefined;
      const d = parseDuration(v);
      if (!d || d.kind !== 'wall') throw new ArgError(`--${name}: "${v}" is not a wall-clock duration such as 40m or 3h`);
      return d.ms;
    };
    const policyPath = typeof opts.policy === 'string' ? opts.policy : loadEnv().policyPath;
    const policy = loadPolicy(policyPath);
    const start = typeof opts.at === 'string' ? parseInstant(opts.at, '--at') : new Date();
    const result = simulate({ policy, severity: opts.severity, start, ackAfterMs: dur('ack-after'), mitigateAfterMs: dur('mitigate-after'), resolveAfterMs: dur('resolve-after') });
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`Simulating ${opts.severity} from ${formatTime(policy, start)} with ${policyPath}`);
      console.log(`Roles at ${formatTime(policy, start)}:`);
      for (const line of result.roles) console.log(`  ${line}`);
      for (const e of result.events) console.log(`${e.offset.padStart(9)}  ${formatTime(policy, new Date(e.at))}  ${e.text}`);
      if (result.postmortemDue) console.log(`Postmortem due ${result.postmortemDue}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ArgError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}
