// Policy `actions:`: HTTP calls into the team's own systems (runbook 002's product kill switches
// automation_enabled=false and safe_mode=true), run with `/incident action <name>`. They are not
// Klaxon's own `automation` / `safe-mode` switches and never touch paging.
//
// The call happens after the command's transaction commits (a slow endpoint must not hold the
// database), and its outcome is written in a second transaction onto the timeline and into the
// incident channel. An action_runs row, pending in between, makes a call cut off by a stop visible. Secrets come from the environment (`headers_env`) and never reach the log,
// the timeline or chat: only the method, the URL's host and path, and the status are recorded.
import type { Policy } from '../config/policy/index.js';
import { USAGE } from '../domain/commands.js';
import { formatMs } from '../domain/duration.js';
import type { Actor } from './actor.js';
import type { Ctx } from './context.js';
import { UserError } from './errors.js';
import { eq } from 'drizzle-orm';
import { actionRuns } from '../store/tables.js';
import { formatTime, type Incident } from './incident-view.js';
import { postToIncident } from './outbox-writer.js';
import { addTimeline } from './timeline.js';

export type ActionSpec = NonNullable<Policy['actions']>[string];
/** `runId`: its action_runs row, pending until the outcome is recorded (see reportCutOffActions). */
export type ActionCall = { name: string; spec: ActionSpec; headers: Record<string, string>; incidentId: number; actor: Actor; runId: number };
export type ActionOutcome = { ok: boolean; text: string };

const where = (url: string): string => {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
};

function allowed(policy: Policy, actor: Actor, spec: ActionSpec): boolean {
  if (actor.platform === 'system' || spec.permission === undefined || spec.permission === 'anyone') return true;
  const held = new Set([actor.id, ...(actor.roles ?? [])]);
  return spec.permission.some((group) => (policy.groups[group] ?? []).some((m) => held.has(m)));
}

/**
 * Checks everything that can be checked before calling: the name, the permission, the secrets in
 * the environment, and the confirmation. Returns the call to make after commit, or null when the
 * caller still has to confirm (the reply says how).
 */
export async function prepareAction(ctx: Ctx, actor: Actor, inc: Incident, name: string, confirmed: boolean, env: NodeJS.ProcessEnv = process.env): Promise<{ call: ActionCall | null; text: string }> {
  const actions = ctx.policy.actions;
  const spec = Object.hasOwn(actions, name) ? actions[name] : undefined;
  const known = Object.keys(actions);
  if (!spec) throw new UserError('invalid', known.length ? `There is no action "${name}". Actions: ${known.join(', ')}.` : 'This policy defines no actions.', USAGE.action);
  if (!allowed(ctx.policy, actor, spec)) {
    const groups = (spec.permission as string[]).map((g) => `"${g}"`).join(' or ');
    throw new UserError('forbidden', `You are not allowed to run ${name}: it needs membership of ${groups} in the policy.`);
  }
  const headers: Record<string, string> = {};
  for (const [header, variable] of Object.entries(spec.headers_env)) {
    const value = env[variable];
    if (!value) throw new UserError('invalid', `Action ${name} needs the environment variable ${variable} (for its ${header} header), which is not set on the Klaxon server.`);
    headers[header] = value;
  }
  const what = `${spec.method} ${where(spec.url)}`;
  if (spec.confirm && !confirmed) {
    return { call: null, text: `${name}${spec.description ? ` (${spec.description})` : ''} will call ${what}. To go ahead: \`action #${inc.id} ${name} confirm\`` };
  }
  await addTimeline(ctx, inc.id, 'action', actor.id, `${actor.name} ran action ${name} (${what})`);
  // Written before the call, in the command's transaction: if Klaxon stops while the call runs, the
  // next start finds it pending and says its outcome is unknown instead of forgetting it.
  const run = (await ctx.tx.insert(actionRuns).values({ incidentId: inc.id, name, target: what, actorName: actor.name, status: 'pending', startedAt: ctx.now }).returning({ id: actionRuns.id }))[0];
  return { call: { name, spec, headers, incidentId: inc.id, actor, runId: run.id }, text: `Running ${name} (${what})…` };
}

/** The HTTP call itself; never throws. */
export async function callAction(call: ActionCall): Promise<ActionOutcome> {
  const { spec, name } = call;
  const started = Date.now();
  const what = `${spec.method} ${where(spec.url)}`;
  try {
    const res = await fetch(spec.url, {
      method: spec.method,
      headers: { ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers },
      body: spec.body,
      signal: AbortSignal.timeout(spec.timeout.ms),
    });
    await res.arrayBuffer().catch(() => undefined);
    const took = formatMs(Date.now() - started);
    if (res.ok) return { ok: true, text: `${name} done: ${what} answered ${res.status} ${res.statusText} (${took}).` };
    return { ok: false, text: `${name} FAILED: ${what} answered ${res.status} ${res.statusText} (${took}). Do it by hand if it matters now.` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${spec.timeout.text}` : (err.cause?.code ?? err.message);
    return { ok: false, text: `${name} FAILED: ${what}: ${why}. Do it by hand if it matters now.` };
  }
}

/** Second transaction: the outcome on the timeline and in the incident channel. */
export async function recordOutcome(ctx: Ctx, call: ActionCall, outcome: ActionOutcome): Promise<void> {
  await ctx.tx.update(actionRuns).set({ status: outcome.ok ? 'done' : 'failed', finishedAt: ctx.now, outcome: outcome.text }).where(eq(actionRuns.id, call.runId));
  await addTimeline(ctx, call.incidentId, outcome.ok ? 'action_done' : 'action_failed', 'klaxon', outcome.text);
  await postToIncident(ctx, call.incidentId, () => ({ text: `${outcome.ok ? '✅' : '⚠️'} ${outcome.text} (run by ${call.actor.name})`, tone: outcome.ok ? 'good' : 'warn' }));
}

/**
 * Start-up: calls still pending were cut off by a stop (a crash, a deploy) while their HTTP request
 * ran. Whether the product took it is unknown, and calling again could do it twice, so each is
 * reported on the timeline and in the incident channel for a person to check.
 */
export async function reportCutOffActions(ctx: Ctx): Promise<number> {
  const cut = (await ctx.tx.select().from(actionRuns).where(eq(actionRuns.status, 'pending')));
  for (const run of cut) {
    const text = `${run.name} outcome unknown: Klaxon stopped while ${run.target} was running (started ${formatTime(ctx.policy, run.startedAt)}). Check the product, and run it again with \`action #${run.incidentId} ${run.name}\` if it did not take.`;
    await ctx.tx.update(actionRuns).set({ status: 'unknown', finishedAt: ctx.now, outcome: text }).where(eq(actionRuns.id, run.id));
    await addTimeline(ctx, run.incidentId, 'action_unknown', 'klaxon', text);
    await postToIncident(ctx, run.incidentId, () => ({ text: `⚠️ ${text} (run by ${run.actorName})`, tone: 'warn' }));
  }
  return cut.length;
}
