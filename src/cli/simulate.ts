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
import { pageNotifications, timers } from '../store/tables.js';
import { ArgError, parseArgs, parseInstant } from './args.js';
import { and, asc } from 'drizzle-orm';
import { own } from '../domain/own.js';

export type SimulationEvent = { at: string; offset: string; offsetMs: number; kind: string; text: string };
export type SimulationInput = { policy: Policy; severity: string; start: Date; ackAfterMs?: number; mitigateAfterMs?: number; resolveAfterMs?: number; horizonMs?: number };

/** With no --until: until the incident is resolved, or three days, whichever comes first. */
export const DEFAULT_HORIZON_MS = 3 * 86400_000;

/** Plays an incident forward through every timer it arms; returns its timeline. */
export async function simulate(input: SimulationInput): Promise<{ events: SimulationEvent[]; roles: string[]; postmortemDue: string | null; cutAt: string | null }> {
  const { policy } = input;
  const sev = findSeverity(policy, input.severity);
  if (!sev) throw new ArgError(`unknown severity "${input.severity}"; known: ${policy.severities.map((s) => s.id).join(', ')}`);
  const db = openDb(':memory:');
  const clock = new FakeClock(input.start);
  const svc = new Service({ db, policy, clock, platforms: [], log: createLogger('silent') });
  try {
    await bootstrapTimers(svc);
    const declarer: Actor = { ...SYSTEM, id: 'simulator', name: 'Simulator' };
    const r = await svc.declareFrom(declarer, { title: 'Simulated incident', severity: sev.id });
    const id = r.incident!;
    // Who the policy's role sources name at the simulated moment (the simulator is no person, so
    // `declarer` stays open, as for an integration).
    const roles = (await svc.transact(async (ctx) => rolesReply(ctx, (await getIncident(ctx.tx, id))!))).body!.lines!;
    const start = input.start.getTime();
    const horizon = start + (input.horizonMs ?? DEFAULT_HORIZON_MS);
    let cutAt: string | null = null;
    const ackAt = input.ackAfterMs !== undefined ? start + input.ackAfterMs : Infinity;
    const resolveAt = input.resolveAfterMs !== undefined ? start + input.resolveAfterMs : Infinity;
    const mitigateAt = input.mitigateAfterMs !== undefined ? start + input.mitigateAfterMs : Infinity;
    let acked = false;
    let mitigated = false;
    for (let guard = 0; guard < 10_000; guard++) {
      const next = (await db.select().from(timers).where(and(eq(timers.status, 'pending'), eq(timers.incidentId, id))).orderBy(asc(timers.dueAt)))[0];
      const nextAt = next ? next.dueAt.getTime() : Infinity;
      const moment = Math.min(nextAt, acked ? Infinity : ackAt, mitigated ? Infinity : mitigateAt, resolveAt);
      if (moment === Infinity) break;
      if (moment > horizon) {
        // Still open with something still to happen: the timeline is cut here, and says so.
        cutAt = new Date(horizon).toISOString();
        break;
      }
      clock.set(new Date(moment));
      if (!acked && moment === ackAt) {
        acked = true;
        await svc.run(await lastPaged(svc), `ack #${id}`);
      } else if (!mitigated && moment === mitigateAt) {
        mitigated = true;
        await svc.run(declarer, `mitigate #${id} Simulated mitigation`);
      } else if (moment === resolveAt) {
        await svc.run(declarer, `resolve #${id} Simulated resolution`);
        break;
      } else await tick(svc);
    }
    const inc = (await getIncident(db, id))!;
    const events = (await timelineOf(db, id)).map((e) => {
      const offsetMs = e.at.getTime() - start;
      return { at: e.at.toISOString(), offset: offsetMs === 0 ? '+0' : `+${formatMs(offsetMs)}`, offsetMs, kind: e.kind, text: e.text };
    });
    return { events, roles, postmortemDue: inc.postmortemDueAt ? formatTime(policy, inc.postmortemDueAt) : null, cutAt };
  } finally {
    closeDb(db);
  }
}

/** The most recently paged person acknowledges, as they would in real life. */
async function lastPaged(svc: Service): Promise<Actor> {
  const row = (await svc.deps.db.select().from(pageNotifications).orderBy(desc(pageNotifications.id)))[0];
  return row ? { id: row.person, name: own(svc.policy.people, row.person)?.name ?? row.person, platform: 'system' } : SYSTEM;
}

/**
 * Timeline lines for people: a run of identical events at a steady interval (a nudge every 30m
 * nobody answers) is one line, "nudged every 30m ×14 until …", not fourteen.
 */
export function displayLines(policy: Policy, events: SimulationEvent[]): string[] {
  const line = (e: SimulationEvent, text = e.text) => `${e.offset.padStart(9)}  ${formatTime(policy, new Date(e.at))}  ${text}`;
  const folded = new Set<number>();
  const out: string[] = [];
  events.forEach((e, i) => {
    if (folded.has(i)) return;
    // The same event again and again at one interval, whatever happens in between.
    const same = events.map((x, k) => [x, k] as const).filter(([x, k]) => k > i && x.kind === e.kind && x.text === e.text);
    const run = [i];
    const step = same.length ? same[0][0].offsetMs - e.offsetMs : 0;
    for (const [x, k] of same) {
      if (step > 0 && x.offsetMs - events[run[run.length - 1]].offsetMs === step) run.push(k);
      else break;
    }
    if (run.length < 3) return void out.push(line(e));
    for (const k of run) folded.add(k);
    const last = events[run[run.length - 1]];
    out.push(line(e, `${e.text} — every ${formatMs(step)} ×${run.length} until ${formatTime(policy, new Date(last.at))}`));
  });
  return out;
}

export async function simulateCommand(args: string[]): Promise<number> {
  {
    const { opts } = parseArgs(args, { values: ['policy', 'severity', 'ack-after', 'mitigate-after', 'resolve-after', 'at', 'until'], flags: ['json'] });
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
    const result = await simulate({ policy, severity: opts.severity, start, ackAfterMs: dur('ack-after'), mitigateAfterMs: dur('mitigate-after'), resolveAfterMs: dur('resolve-after'), horizonMs: dur('until') });
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`Simulating ${opts.severity} from ${formatTime(policy, start)} with ${policyPath}`);
      console.log(`Roles at ${formatTime(policy, start)}:`);
      for (const line of result.roles) console.log(`  ${line}`);
      for (const l of displayLines(policy, result.events)) console.log(l);
      if (result.postmortemDue) console.log(`Postmortem due ${result.postmortemDue}`);
      if (result.cutAt) {
        const until = typeof opts.until === 'string' ? `--until ${opts.until}` : `${formatMs(DEFAULT_HORIZON_MS)}, the default horizon`;
        console.log(`… stopped at ${formatTime(policy, new Date(result.cutAt))} (${until}); the incident was still open and more would follow. Use --until or --resolve-after to see further.`);
      }
    }
    return 0;
  }
}
