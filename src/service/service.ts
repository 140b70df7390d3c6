// The one place that changes state. Every adapter (console, Slack, Discord, HTTP API) and the
// scheduler come through here; each call is one SQLite transaction.
import { exclusive, runChanges, totalChanges, transaction } from '../store/transaction.js';
import { and, eq, ne, sql } from 'drizzle-orm';
import { prepared } from '../store/prepared.js';
import type { Db, Tx } from '../store/db.js';
import type { Platform } from './port.js';
import { severityNames } from '../config/policy/index.js';
import { type Command, isGuarded, onlyReads, USAGE, parseCommand, type UserRef } from '../domain/commands.js';
import { incidents, incidentSpaces, pages, processedEvents } from '../store/tables.js';
import { isUniqueViolation } from '../store/db-errors.js';
import { type Actor, personName } from './actor.js';
import { type Ctx, type ServiceDeps, writeSwitch } from './context.js';
import { UserError } from './errors.js';
import { type Origin, refusal, type Reply } from './reply.js';
import { getIncident, type Incident, resolveIncident } from './incident-view.js';
import { assignRole, changeSeverity, declare, type DeclareInput, requireSeverity, resolve, update } from './incidents.js';
import { acknowledgePage, findPage, openPagesNotifying, openPagesOf, startPage } from './paging.js';
import { markPostmortemDone, postmortemCommand } from './postmortem.js';
import { acknowledgeIncident } from './targets.js';
import { requirePermission } from './permissions.js';
import { rolesReply } from './roles.js';
import * as queries from './queries.js';
import { createOverride } from './overrides.js';
import { hasOwnKey } from '../domain/own.js';
import { cleanCommand, cleanDeclareInput } from './clean-input.js';
import { requireAcknowledge } from './acknowledge-permission.js';
import { cleanText } from '../domain/clean-text.js';
import { setCause, setEta } from './eta-cause.js';
import { checkItem } from './checklists.js';
import { postPublicUpdate, setComponents } from './public-updates.js';
import { type ActionCall, callAction, prepareAction, recordOutcome } from './actions.js';


/** What a command button may run (service.runButton). */
const BUTTON_COMMANDS: Command['kind'][] = ['check', 'action'];

export class Service {
  constructor(readonly deps: ServiceDeps) {}

  get policy() {
    return this.deps.policy;
  }

  /** Runs `fn` in one transaction with a fresh `now`; a UserError rolls everything back. */
  async transact<T>(fn: (ctx: Ctx) => Promise<T> | T): Promise<T> {
    const now = this.deps.clock.now();
    const before = this.totalChanges();
    const out = await transaction(this.deps.db, async (tx) => await fn({ ...this.deps, tx, now }));
    // Reads (list, status, timeline) queue nothing, so they need not wake the dispatcher.
    if (this.totalChanges() !== before) this.deps.onCommit?.();
    return out;
  }

  private totalChanges(): number {
    return totalChanges(this.deps.db);
  }

  /**
   * Parses and runs chat text such as "/incident declare sev1 API down". `delivery` is the
   * platform's ID for this invocation (a Slack trigger_id): a command that changes anything claims
   * it in its own transaction, so a replay is answered but never run twice, and one that rolled back
   * leaves it unclaimed. A read is answered again: its answer is only a fresh reading.
   */
  async run(actor: Actor, text: string, origin: Origin = {}, delivery?: Delivery): Promise<Reply> {
    const parsed = parseCommand(cleanText(String(text ?? '')), { severities: severityNames(this.policy) });
    if (!parsed.ok) return { ok: false, text: `${parsed.error}\nUsage: ${parsed.usage}` };
    return await this.execute(actor, parsed.command, origin, delivery);
  }

  async execute(actor: Actor, command: Command, origin: Origin = {}, delivery?: Delivery): Promise<Reply> {
    const calls: ActionCall[] = [];
    try {
      const cmd = cleanCommand(command);
      const reply = await this.transact(async (ctx) => {
        if (delivery && !onlyReads(cmd.kind) && !(await claimDelivery(ctx.tx, delivery, ctx.now))) return { ok: false, text: ALREADY_RUN };
        if (isGuarded(cmd.kind)) requirePermission(ctx.policy, actor, cmd.kind);
        return await this.apply(ctx, actor, cmd, origin, calls);
      });
      // Only after the commit: a refused or rolled-back command calls nothing.
      for (const call of calls) this.startAction(call);
      return reply;
    } catch (e) {
      if (e instanceof UserError) return refusal(e);
      throw e;
    }
  }

  private readonly actionsInFlight = new Set<Promise<void>>();

  /** Runs a prepared action's HTTP call, then records its outcome in its own transaction. */
  private startAction(call: ActionCall): void {
    const done = callAction(call)
      .then(async (outcome) => {
        this.deps.log.info({ action: call.name, incident: call.incidentId, ok: outcome.ok }, 'action finished');
        await this.transact((ctx) => recordOutcome(ctx, call, outcome));
      })
      .catch((err: unknown) => this.deps.log.error({ err, action: call.name }, 'action outcome not recorded'))
      .finally(() => this.actionsInFlight.delete(done));
    this.actionsInFlight.add(done);
  }

  /** Resolves once every action started so far has recorded its outcome (tests, graceful stop). */
  async actionsSettled(): Promise<void> {
    while (this.actionsInFlight.size) await Promise.all([...this.actionsInFlight]);
  }

  private async apply(ctx: Ctx, actor: Actor, cmd: Command, origin: Origin, calls: ActionCall[] = []): Promise<Reply> {
    const incident = (n?: number) => resolveIncident(ctx.tx, n, origin.incident);
    switch (cmd.kind) {
      case 'declare': {
        // "declare sev9 ..." is a typo'd severity, not a title that happens to start with sev9.
        const first = cmd.title.split(/\s+/)[0];
        if (!cmd.severity && /^(sev|p)-?\d+$/i.test(first)) requireSeverity(ctx, first);
        const inc = await declare(ctx, actor, { title: cmd.title, severity: cmd.severity, labels: cmd.labels });
        return { ok: true, text: `Declared #${inc.id} (${inc.severity}): ${inc.title}` };
      }
      case 'update': {
        const inc = await update(ctx, actor, await incident(cmd.incident), cmd.status, cmd.text);
        return { ok: true, text: `Posted an update on #${inc.id} (${inc.status}).` };
      }
      case 'mitigate': {
        const inc = await update(ctx, actor, await incident(cmd.incident), 'monitoring', cmd.text);
        return { ok: true, text: `#${inc.id} is mitigated and monitoring.` };
      }
      case 'severity': {
        const inc = await changeSeverity(ctx, actor, await incident(cmd.incident), cmd.severity);
        return { ok: true, text: `#${inc.id} is now ${inc.severity}.` };
      }
      case 'role': {
        const inc = await incident(cmd.incident);
        const person = this.personFor(ctx, cmd.user, actor.platform);
        await assignRole(ctx, actor, inc, cmd.role, person);
        return { ok: true, text: `${personName(ctx.policy, person)} is ${cmd.role} for #${inc.id}.` };
      }
      case 'page':
        return this.page(ctx, actor, await incident(cmd.incident), cmd.target);
      case 'ack':
        return this.ack(ctx, actor, await incident(cmd.incident));
      case 'resolve': {
        let target = await incident(cmd.incident);
        // Recorded first (and quietly: the resolution message shows it) so {root_cause} has it.
        if (cmd.cause && target.status !== 'resolved') target = await setCause(ctx, actor, target, cmd.cause, true);
        const inc = await resolve(ctx, actor, target, cmd.summary);
        return { ok: true, text: `Resolved #${inc.id}.` };
      }
      case 'eta': {
        const inc = await setEta(ctx, actor, await incident(cmd.incident), cmd.when);
        return { ok: true, text: `ETA for #${inc.id}: ${inc.eta}.` };
      }
      case 'action': {
        const inc = await incident(cmd.incident);
        const { call, text } = await prepareAction(ctx, actor, inc, cmd.name, cmd.confirm);
        if (call) calls.push(call);
        // Asking to confirm: on Slack and Discord the reply carries the button that confirms.
        const confirm = { id: 'command' as const, label: `Confirm: run ${cmd.name}`, value: `action #${inc.id} ${cmd.name} confirm`, style: 'danger' as const };
        return call ? { ok: true, text } : { ok: true, text, body: { text, actions: [confirm] } };
      }
      case 'check': {
        const item = await checkItem(ctx, actor, await incident(cmd.incident), cmd.item);
        return { ok: true, text: `Ticked ${item.n}. ${item.text}` };
      }
      case 'cause': {
        const inc = await setCause(ctx, actor, await incident(cmd.incident), cmd.text);
        return { ok: true, text: `Recorded the root cause of #${inc.id}.` };
      }
      case 'public':
        return { ok: true, text: await postPublicUpdate(ctx, actor, await incident(cmd.incident), cmd.text) };
      case 'components': {
        const inc = await setComponents(ctx, actor, await incident(cmd.incident), cmd.components);
        return { ok: true, text: inc.components?.length ? `#${inc.id} affects ${inc.components.join(', ')}.` : `#${inc.id} names no component now.` };
      }
      case 'status':
        return queries.status(ctx, await incident(cmd.incident));
      case 'list':
        return await queries.list(ctx);
      case 'timeline':
        return queries.timeline(ctx, await incident(cmd.incident));
      case 'roles':
        return rolesReply(ctx, await incident(cmd.incident));
      case 'postmortem': {
        const inc = await incident(cmd.incident);
        if (cmd.done) {
          await markPostmortemDone(ctx, actor, inc, cmd.done);
          return { ok: true, text: `Marked the postmortem for #${inc.id} done.` };
        }
        return await postmortemCommand(ctx, inc);
      }
      case 'oncall':
        return await queries.oncall(ctx, cmd.schedule);
      case 'override': {
        const person = this.personFor(ctx, cmd.user, actor.platform);
        return await createOverride(ctx, actor, cmd.schedule, person, cmd.duration);
      }
      case 'stats':
        return queries.stats(ctx, cmd.window);
      case 'automation':
      case 'safe_mode': {
        await writeSwitch(ctx, cmd.kind, cmd.on);
        const label = cmd.kind === 'automation' ? 'Automation' : 'Safe mode';
        return { ok: true, text: `${label} is now ${cmd.on ? 'on' : 'off'}.` };
      }
      case 'help':
        return queries.help(cmd.topic);
    }
  }

  /** A mentioned user is a policy person when the platform ID or name maps to one. */
  personFor(ctx: Ctx, ref: UserRef, platform: Actor['platform']): string {
    if ('name' in ref) {
      const wanted = ref.name.toLowerCase();
      const hit = Object.entries(ctx.policy.people).find(([id, p]) => id.toLowerCase() === wanted || p.name.toLowerCase() === wanted);
      if (!hit) throw new UserError('not_found', `Nobody called "${ref.name}" is in the policy. People: ${Object.keys(ctx.policy.people).join(', ')}.`);
      return hit[0];
    }
    const plat = platform === 'slack' || platform === 'discord' ? platform : undefined;
    if (plat) {
      const hit = Object.entries(ctx.policy.people).find(([, p]) => p[plat] === ref.id);
      return hit ? hit[0] : `${plat}:${ref.id}`;
    }
    if (hasOwnKey(ctx.policy.people, ref.id)) return ref.id;
    throw new UserError('not_found', `Nobody with ID ${ref.id} is in the policy.`);
  }

  private async page(ctx: Ctx, actor: Actor, inc: Incident, target: Extract<Command, { kind: 'page' }>['target']): Promise<Reply> {
    if (inc.status === 'resolved') throw new UserError('conflict', `#${inc.id} is resolved; there is nobody to page for it.`);
    let spec: { policy?: string; target?: string };
    if (target.type === 'user') spec = { target: `person:${this.personFor(ctx, target.user, actor.platform)}` };
    else {
      const name = target.name;
      const isSchedule = hasOwnKey(ctx.policy.schedules, name) && target.type !== 'policy';
      const isPolicy = hasOwnKey(ctx.policy.escalation_policies, name) && target.type !== 'schedule';
      const isPerson = hasOwnKey(ctx.policy.people, name) && target.type === 'any';
      if (isPolicy && (target.type === 'policy' || !isSchedule)) spec = { policy: name };
      else if (isSchedule) spec = { target: `schedule:${name}` };
      else if (isPerson) spec = { target: `person:${name}` };
      else
        throw new UserError(
          'not_found',
          `Nothing called "${name}" to page. Schedules: ${Object.keys(ctx.policy.schedules).join(', ') || 'none'}; policies: ${Object.keys(ctx.policy.escalation_policies).join(', ') || 'none'}.`,
          USAGE.page,
        );
    }
    const id = await startPage(ctx, inc, spec, actor.id);
    return { ok: true, text: id ? `Paging ${spec.policy ?? spec.target} for #${inc.id}.` : `Nobody applies to page right now for ${spec.policy ?? spec.target}.` };
  }

  private async ack(ctx: Ctx, actor: Actor, inc: Incident): Promise<Reply> {
    if (inc.status === 'resolved') throw new UserError('conflict', `#${inc.id} is resolved; there is nothing to acknowledge.`);
    let mine = await openPagesNotifying(ctx, inc.id, actor.id);
    // Someone who was not paged but is taking it on still stops the escalation, if the policy lets them.
    if (mine.length === 0) {
      mine = await openPagesOf(ctx, inc.id);
      for (const p of mine) await requireAcknowledge(ctx, actor, p);
    }
    if (mine.length === 0) {
      // Nobody was paged (e.g. a Sev 3): acknowledging the incident itself meets its acknowledge target.
      if ((await acknowledgeIncident(ctx, inc, actor.id))) return { ok: true, text: `Acknowledged #${inc.id}.` };
      throw new UserError('conflict', `#${inc.id} has no open page to acknowledge.`);
    }
    for (const p of mine) await acknowledgePage(ctx, inc, p, actor.id);
    return { ok: true, text: `Acknowledged ${mine.length} page(s) on #${inc.id}.` };
  }

  /**
   * A button that carries a chat command (a checklist's Tick, an action's Run or Confirm): runs it as
   * the person pressing, exactly as if they had typed it, so permissions and errors are the same.
   * Only the commands Klaxon puts on buttons are accepted: a crafted value can do no more.
   */
  async runButton(actor: Actor, text: string, origin: Origin = {}): Promise<Reply> {
    const parsed = parseCommand(cleanText(String(text ?? '')), { severities: severityNames(this.policy) });
    if (!parsed.ok || !BUTTON_COMMANDS.includes(parsed.command.kind)) return { ok: false, error: 'invalid', text: 'That button does not run anything Klaxon knows. Use the /incident command instead.' };
    return await this.execute(actor, parsed.command, origin);
  }

  /** The Acknowledge button, whatever the platform. */
  async acknowledgePageById(actor: Actor, pageId: number): Promise<Reply> {
    try {
      return await this.transact(async (ctx) => {
              requirePermission(ctx.policy, actor, 'ack');
              const page = await findPage(ctx, pageId);
              if (!page) throw new UserError('not_found', 'That page no longer exists.');
              const inc = (await getIncident(ctx.tx, page.incidentId))!;
              await requireAcknowledge(ctx, actor, page);
              // Someone answering an exhausted page is still someone taking the incident on.
              if (page.status === 'exhausted' && inc.status !== 'resolved' && (await acknowledgeIncident(ctx, inc, actor.id))) {
                return { ok: true, text: `That page had run out, but #${inc.id} is now acknowledged by you.` };
              }
              await acknowledgePage(ctx, inc, page, actor.id);
              return { ok: true, text: `Acknowledged the page for #${inc.id}.` };
            });
    } catch (e) {
      if (e instanceof UserError) return refusal(e, { usage: false });
      throw e;
    }
  }

  async declareFrom(actor: Actor, raw: DeclareInput): Promise<Reply & { incident?: number }> {
    try {
      const input = cleanDeclareInput(raw);
      return await this.transact(async (ctx) => {
              requirePermission(ctx.policy, actor, 'declare');
              const inc = await declare(ctx, actor, input);
              return { ok: true, text: `Declared #${inc.id}`, incident: inc.id };
            });
    } catch (e) {
      if (e instanceof UserError) return refusal(e, { usage: false });
      // A message (or an API link) has one open incident, even across restarts and on every
      // platform's retries: the partial unique index incidents_open_source_link says so.
      if (raw.sourceLink && isUniqueViolation(e, { column: 'incidents.source_link', index: 'incidents_open_source_link' })) {
        const open = (await this.deps.db.select().from(incidents).where(and(eq(incidents.sourceLink, raw.sourceLink), ne(incidents.status, 'resolved'))))[0];
        if (open) return refusal(new UserError('conflict', `That was already declared as #${open.id} (${open.title}), which is still open.`), { usage: false });
      }
      throw e;
    }
  }

  /**
   * Records a platform delivery ID; false when it was seen before, so Slack retries and Discord
   * replays are processed once. Call it inside the same logical step as the work it guards.
   */
  async firstDelivery(platform: Platform, eventId: string): Promise<boolean> {
    const db = this.deps.db;
    return exclusive(db, () => claimDelivery(db, { platform, id: eventId }, this.deps.clock.now()));
  }

  /** True when that delivery was already processed (a read: firstDelivery is the claim). */
  async seenDelivery(platform: Platform, eventId: string): Promise<boolean> {
    return (await this.deps.db.select({ id: processedEvents.eventId }).from(processedEvents).where(and(eq(processedEvents.platform, platform), eq(processedEvents.eventId, eventId))))[0] !== undefined;
  }

  /** The incident whose channel (Slack) or thread (Discord) this is, as a command origin. */
  async originFor(platform: Platform, channelId: string | undefined): Promise<Origin> {
    if (!channelId) return {};
    const row = (await spaceByChannel(this.deps.db).execute({ platform, channelId }))[0];
    return row ? { incident: row.incidentId } : {};
  }

  async pageStatus(pageId: number) {
    return (await this.deps.db.select().from(pages).where(eq(pages.id, pageId)))[0];
  }
}

/** A platform's ID for one delivery of a command or event (Slack's trigger_id, Discord's interaction ID). */
export type Delivery = { platform: Platform; id: string };

/** Answer to a replayed command: it was run when it first arrived. */
export const ALREADY_RUN = 'That command was already received and run once; it is not run again.';

/** Records a delivery as processed; false when it already was. Runs in the caller's transaction or turn. */
async function claimDelivery(db: Db | Tx, d: Delivery, now: Date): Promise<boolean> {
  return (await runChanges(claimQuery(db).execute({ platform: d.platform, eventId: d.id, now }))).changes === 1;
}

const claimQuery = prepared((db) =>
  db
    .insert(processedEvents)
    .values({ platform: sql.placeholder('platform'), eventId: sql.placeholder('eventId'), processedAt: sql.placeholder('now') })
    .onConflictDoNothing()
    .prepare(),
);

const spaceByChannel = prepared((db) =>
  db
    .select({ incidentId: incidentSpaces.incidentId })
    .from(incidentSpaces)
    .where(and(eq(incidentSpaces.platform, sql.placeholder('platform')), eq(incidentSpaces.channelId, sql.placeholder('channelId'))))
    .prepare(),
);
