// Support-channel auto-replies (SPEC §5, runbooks 000 and 004), the same for every platform that
// has a `support.<platform>` section: Discord, and Slack where configured. A person's message in a
// support channel gets one reassuring reply per cooldown (no promised resolution time), and a
// message that reads like a security or privacy report is raised as an incident straight away.
import { runChanges } from '../store/transaction.js';
import { and, eq } from 'drizzle-orm';
import type { MessageBody, Platform } from './port.js';
import { policyCalendar, type Policy, type SupportConfig } from '../config/policy/index.js';
import { addDuration, isBusinessTime } from '../domain/business-time.js';
import { renderTemplate } from '../domain/templates.js';
import { processedEvents, supportReplies } from '../store/tables.js';
import { SYSTEM } from './actor.js';
import { readSwitches, type Ctx } from './context.js';
import { declare } from './incidents.js';
import { render } from './messages.js';
import { directMessage, postRaw } from './outbox-writer.js';
import { whoIsOnCall } from './oncall.js';
import type { Service } from './service.js';

export type SupportPlatform = Extract<Platform, 'slack' | 'discord'>;

export type SupportMessage = {
  platform: SupportPlatform;
  /** Where the message is, and where the reply goes. */
  channel: string;
  /**
   * The configured support channel it counts under, when that is not `channel` itself: a thread
   * or forum post inside a support channel (Discord). The cooldown is per person per support channel.
   */
  supportChannel?: string;
  user: string;
  userName: string;
  /** Bots, webhooks and Klaxon itself: never answered. */
  isBot: boolean;
  text: string;
  /** Permalink to the message; an escalated incident links to it instead of quoting it. */
  link?: string;
  /** Platform message ID (Discord snowflake, Slack ts): replays are handled once, and the reply answers it. */
  messageId: string;
};

export type SupportReply = {
  ok: true;
  kind: 'in_hours' | 'out_of_hours' | 'escalated';
  text: string;
  /** The incident a security/privacy report was raised as. */
  incident?: number;
  /** Who was told about it (`support.<platform>.notify`), by DM. */
  told?: string;
};

/** The escalation marker shares the reply table under its own key, so both survive a restart. */
const ESCALATION_KEY = (channel: string) => `${channel}#security`;

export function supportConfig(policy: Policy, platform: SupportPlatform): SupportConfig | undefined {
  return policy.support?.[platform];
}

/** True when `channel` is one of the platform's configured support channels. */
export function isSupportChannel(policy: Policy, platform: SupportPlatform, channel: string): boolean {
  return supportConfig(policy, platform)?.channels.includes(channel) ?? false;
}

/**
 * Handles one message seen in a chat channel. Returns the reply that was queued (it goes out
 * through the outbox as a reply in the same channel), or null when Klaxon stays silent.
 * Everything happens in one transaction, so a replayed delivery or a crash half-way neither
 * answers twice nor raises two incidents.
 */
export async function handleSupportMessage(svc: Service, msg: SupportMessage): Promise<SupportReply | null> {
  const config = supportConfig(svc.policy, msg.platform);
  const home = msg.supportChannel ?? msg.channel;
  if (!config || !config.channels.includes(home) || msg.isBot) return null;
  return await svc.transact(async (ctx) => {
    if (!(await firstSight(ctx, msg))) return null;
    const switches = await readSwitches(ctx.tx);
    // Automation off is the kill switch: no replies and no automatic incidents.
    if (!switches.automation) return null;

    const keyword = securityKeyword(msg.text, config.security_keywords);
    let incident: number | undefined;
    if (keyword && config.security_severity && !(await recently(ctx, config, msg, ESCALATION_KEY(home)))) {
      incident = await escalate(ctx, config, msg);
      await remember(ctx, msg, ESCALATION_KEY(home));
    }
    // Safe mode stops automatic posts outside incident channels; the incident (above) still stands.
    if (switches.safeMode || !ctx.platforms.includes(msg.platform)) return null;
    // An escalation is always acknowledged; an ordinary message only once per cooldown.
    if (incident === undefined && (await recently(ctx, config, msg, home))) return null;
    await remember(ctx, msg, home);
    const reply = replyText(ctx, config, incident);
    const body: MessageBody = { text: reply.text, tone: incident ? 'alert' : 'info', replyTo: msg.messageId };
    await postRaw(ctx, msg.platform, msg.channel, body);
    const told = reply.kind === 'in_hours' ? (await tellSupportPerson(ctx, config, msg)) : undefined;
    return { ok: true, ...reply, incident, ...(told ? { told } : {}) };
  });
}

/**
 * Makes the in-hours reply true: "the person on support is on it" only holds when that person
 * knows. `notify` names them (a schedule's current on-call, or a person); they get a DM with a
 * link to the message. Returns who was told.
 */
async function tellSupportPerson(ctx: Ctx, config: SupportConfig, msg: SupportMessage): Promise<string | undefined> {
  if (!config.notify) return undefined;
  const [kind, ref] = config.notify.split(/:(.*)/s);
  const person = kind === 'schedule' ? (await whoIsOnCall(ctx.tx, ctx.policy, ref, ctx.now)).person : ref;
  if (!person) return undefined;
  const where = msg.link ?? (msg.platform === 'discord' ? `<#${msg.channel}>` : `<#${msg.channel}>`);
  const text = `📨 ${msg.userName} wrote in a support channel and was told someone is on it: ${where}`;
  return (await directMessage(ctx, person, () => ({ text, tone: 'info' }))) > 0 ? person : undefined;
}

/** Records the delivery; false when this message was handled before (gateway replay, Slack retry). */
async function firstSight(ctx: Ctx, msg: SupportMessage): Promise<boolean> {
  const eventId = `support:${msg.channel}:${msg.messageId}`;
  const r = (await runChanges(ctx.tx.insert(processedEvents).values({ platform: msg.platform, eventId, processedAt: ctx.now }).onConflictDoNothing()));
  return r.changes === 1;
}

async function recently(ctx: Ctx, config: SupportConfig, msg: SupportMessage, key: string): Promise<boolean> {
  const row = (await ctx.tx
    .select()
    .from(supportReplies)
    .where(and(eq(supportReplies.platform, msg.platform), eq(supportReplies.channel, key), eq(supportReplies.user, msg.user))))[0];
  if (!row) return false;
  return addDuration(row.repliedAt, config.cooldown, policyCalendar(ctx.policy)) > ctx.now;
}

async function remember(ctx: Ctx, msg: SupportMessage, key: string): Promise<void> {
  await ctx.tx
    .insert(supportReplies)
    .values({ platform: msg.platform, channel: key, user: msg.user, repliedAt: ctx.now })
    .onConflictDoUpdate({ target: [supportReplies.platform, supportReplies.channel, supportReplies.user], set: { repliedAt: ctx.now } });
}

/**
 * Declares the incident for a security/privacy report. The title and description go to public
 * places (incident thread, announcements, status page), so neither quotes the message: the
 * responders follow the link to read it.
 */
async function escalate(ctx: Ctx, config: SupportConfig, msg: SupportMessage): Promise<number> {
  const where = msg.platform === 'discord' ? 'Discord' : 'Slack';
  const inc = await declare(ctx, SYSTEM, {
    title: `Security/privacy report from ${where} support`,
    severity: config.security_severity,
    description:
      'Raised automatically: a support message matched the security/privacy keywords. ' +
      `Read it at the source link${msg.link ? ` (${msg.link})` : ''} and keep its details out of public channels.`,
    sourceLink: msg.link,
    // So `notify: [{ to: security-liaison, labels: { kind: security } }]` reaches the liaison.
    labels: { kind: 'security' },
  });
  return inc.id;
}

/** The first configured keyword found at the start of a word ("leak" matches "leaks"), if any. */
export function securityKeyword(text: string, keywords: readonly string[]): string | undefined {
  const haystack = text.toLowerCase();
  return keywords.find((k) => {
    const word = k.trim().toLowerCase();
    if (!word) return false;
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}`, 'u').test(haystack);
  });
}

function replyText(ctx: Ctx, config: SupportConfig, incident: number | undefined): Omit<SupportReply, 'ok' | 'incident'> {
  const vars = { support_hours: hoursText(ctx.policy, config), issue_url: config.issue_url ?? 'our issue tracker' };
  if (incident !== undefined) {
    return {
      kind: 'escalated',
      text:
        `🔒 Thank you. This looks like a security or privacy report, so it has been escalated to the team as incident #${incident}. ` +
        'Please do not post more details here; someone from the team will follow up with you privately. ' +
        `Support hours: ${vars.support_hours}.`,
    };
  }
  if (isBusinessTime(ctx.now, policyCalendar(ctx.policy))) {
    return { kind: 'in_hours', text: config.in_hours ? renderTemplate(config.in_hours, vars) : render(ctx.policy, 'support_in_hours', vars) };
  }
  return { kind: 'out_of_hours', text: config.out_of_hours ? renderTemplate(config.out_of_hours, vars) : render(ctx.policy, 'support_out_of_hours', vars) };
}

const DAY_LABEL: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `hours_text` when the policy gives one, else the business calendar: "Mon–Fri 09:00–17:00 Europe/London". */
export function hoursText(policy: Policy, config: SupportConfig): string {
  if (config.hours_text) return config.hours_text;
  const bh = policy.business_hours;
  const idx = [...new Set(bh.days)].map((d) => WEEK.indexOf(d)).sort((a, b) => a - b);
  const contiguous = idx.length > 2 && idx.every((d, i) => i === 0 || d === idx[i - 1] + 1);
  const days = contiguous ? `${DAY_LABEL[WEEK[idx[0]]]}–${DAY_LABEL[WEEK[idx[idx.length - 1]]]}` : idx.map((d) => DAY_LABEL[WEEK[d]]).join(', ');
  return `${days} ${bh.start}–${bh.end} ${policy.timezone}`;
}
