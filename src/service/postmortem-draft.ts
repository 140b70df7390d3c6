// The markdown postmortem draft posted on resolve and printed by `klaxon postmortem N`: the facts
// Klaxon recorded (summary, impact window, severity history, roles, pages and acknowledgements,
// timeline in the policy's time zone), then the policy's template sections for people to write.
import { and, asc, eq, like } from 'drizzle-orm';
import { formatMs } from '../domain/duration.js';
import { policyCalendar, type Policy } from '../config/policy/index.js';
import { addDuration } from '../domain/business-time.js';
import type { Db, Tx } from '../store/db.js';
import { pageNotifications, pages, roleAssignments, timelineEvents } from '../store/tables.js';
import { personName } from './actor.js';
import { formatTime, type Incident, severityLabel, severityOf } from './incident-view.js';
import { metAt, TARGET_NAMES } from './targets.js';
import { timelineOf } from './timeline.js';
import { checklistLines } from './checklists.js';

/** Runbook 004's four questions, for a policy that lists no sections of its own. */
export const DEFAULT_SECTIONS = ['What happened?', 'What went well?', "What didn't go well?", 'Action items'];

type Block = 'summary' | 'impact' | 'severity' | 'roles' | 'pages' | 'timeline';
const BLOCKS: { block: Block; heading: string; names: string[] }[] = [
  { block: 'summary', heading: 'Summary', names: ['summary', 'incident summary', 'executive summary'] },
  { block: 'impact', heading: 'Impact', names: ['impact', 'customer impact', 'user impact'] },
  { block: 'severity', heading: 'Severity history', names: ['severity history', 'severity'] },
  { block: 'roles', heading: 'Roles', names: ['roles', 'people', 'responders'] },
  { block: 'pages', heading: 'Pages and acknowledgements', names: ['pages', 'pages and acknowledgements', 'paging'] },
  { block: 'timeline', heading: 'Timeline', names: ['timeline'] },
];

/** "Root Cause Analysis: technical root cause, …" → heading and the guidance after the colon. */
export function parseSection(raw: string): { heading: string; prompt?: string; key: string } {
  const i = raw.indexOf(': ');
  const heading = (i > 0 ? raw.slice(0, i) : raw).trim();
  const prompt = i > 0 ? raw.slice(i + 2).trim() : undefined;
  const key = heading.replace(/\([^)]*\)/g, '').replace(/[?:.!]+$/, '').trim().toLowerCase();
  return { heading, prompt, key };
}

const TO_WRITE = '_To be written._';

export async function renderPostmortem(tx: Tx | Db, policy: Policy, inc: Incident, now: Date = new Date()): Promise<string> {
  const sections = (policy.postmortem?.sections?.length ? policy.postmortem.sections : DEFAULT_SECTIONS).map(parseSection);
  // A policy section named like one of Klaxon's facts ("Summary", "Customer impact", "Timeline")
  // gets those facts under its own heading instead of appearing twice.
  const claimed = new Map<Block, { heading: string; prompt?: string }>();
  const free: typeof sections = [];
  for (const s of sections) {
    const b = BLOCKS.find((x) => x.names.includes(s.key) && !claimed.has(x.block));
    if (b) claimed.set(b.block, s);
    else free.push(s);
  }
  const f = new Facts(tx, policy, inc, now);
  const out = [
    `# Postmortem: #${inc.id} ${inc.title}`,
    '',
    `_Draft from Klaxon's record of #${inc.id}, ${formatTime(policy, now)}. Times are ${policy.timezone}. ` +
      `Fill in the sections, then \`postmortem #${inc.id} done <url>\`._`,
  ];
  for (const b of BLOCKS) {
    const s = claimed.get(b.block);
    out.push('', `## ${s?.heading ?? b.heading}`);
    if (s?.prompt) out.push(`_${s.prompt}_`);
    out.push(...(await f.block(b.block)));
  }
  for (const s of free) {
    out.push('', `## ${s.heading}`);
    if (s.prompt) out.push(`_${s.prompt}_`);
    out.push(TO_WRITE);
  }
  return out.join('\n');
}

/** The recorded facts, one markdown block each. */
class Facts {
  constructor(
    private readonly tx: Tx | Db,
    private readonly policy: Policy,
    private readonly inc: Incident,
    private readonly now: Date,
  ) {}

  async block(b: Block): Promise<string[]> {
    return await this[b]();
  }

  private time(at: Date | null | undefined): string {
    return formatTime(this.policy, at);
  }

  /** "10:07 (7m after declaring)", or "not yet". */
  private since(at: Date | null | undefined): string {
    if (!at) return 'not yet';
    return `${this.time(at)} (${formatMs(at.getTime() - this.inc.declaredAt.getTime())} after declaring)`;
  }

  private async summary(): Promise<string[]> {
    const inc = this.inc;
    const sev = severityOf(this.policy, inc);
    const lines = [
      `- **Severity:** ${severityLabel(sev)}${sev.description ? ` — ${sev.description}` : ''}`,
      `- **Declared:** ${this.time(inc.declaredAt)} by ${personName(this.policy, inc.declaredBy)}`,
      `- **Acknowledged:** ${this.since(inc.acknowledgedAt)}`,
      `- **Mitigated:** ${this.since(inc.mitigatedAt)}`,
      `- **Resolved:** ${this.since(inc.resolvedAt)}`,
      `- **Resolution:** ${inc.summary ?? 'not yet resolved'}`,
      `- **Root cause:** ${inc.rootCause ?? '_to be written_ (record it with \`cause #' + inc.id + ' <text>\`)'}`,
      ...(await this.targets()),
    ];
    const checklist = await checklistLines(this.tx, this.policy, inc.id);
    if (checklist.length) lines.push(`- **Checklist:** ${checklist.filter((l) => l.startsWith('☑')).length} of ${checklist.length} ticked`, ...checklist.map((l) => `  - ${l}`));
    if (inc.postmortemDueAt) lines.push(`- **Postmortem due:** ${this.time(inc.postmortemDueAt)}`);
    if (inc.postmortemDoneAt) lines.push(`- **Postmortem done:** ${this.time(inc.postmortemDoneAt)} ${inc.postmortemUrl ?? ''}`.trimEnd());
    if (inc.sourceLink) lines.push(`- **Source:** ${inc.sourceLink}`);
    return lines;
  }

  /** Each target of the final severity: met, missed (as recorded when it fell due), not reached, or pending. */
  private async targets(): Promise<string[]> {
    const sev = severityOf(this.policy, this.inc);
    const missed = new Set(
      (await this.tx
        .select({ kind: timelineEvents.kind })
        .from(timelineEvents)
        .where(and(eq(timelineEvents.incidentId, this.inc.id), like(timelineEvents.kind, 'target_missed:%'))))
        .map((r) => r.kind.slice('target_missed:'.length)),
    );
    const lines: string[] = [];
    for (const name of TARGET_NAMES) {
      const at = metAt(this.inc, name);
      const limit = sev.targets?.[name];
      if (!limit && !missed.has(name)) continue;
      const label = `${name[0].toUpperCase()}${name.slice(1)} target${limit ? ` (${limit.text})` : ''}`;
      const deadline = limit ? addDuration(this.inc.declaredAt, limit, policyCalendar(this.policy)) : null;
      // Resolved before anyone acknowledged: the acknowledge target was never reached, not pending.
      const never = !at && this.inc.resolvedAt ? 'not reached (resolved before anyone acknowledged)' : 'pending';
      const state = missed.has(name) || (at && deadline && at > deadline) ? 'missed' : at ? 'met' : never;
      lines.push(`- **${label}:** ${state}`);
    }
    return lines;
  }

  private impact(): string[] {
    const inc = this.inc;
    const end = inc.mitigatedAt ?? inc.resolvedAt;
    const window = end
      ? `${this.time(inc.declaredAt)} → ${this.time(end)} (${formatMs(end.getTime() - inc.declaredAt.getTime())} from declaring to ${inc.mitigatedAt ? 'mitigation' : 'resolution'})`
      : `${this.time(inc.declaredAt)} → ongoing (${formatMs(this.now.getTime() - inc.declaredAt.getTime())} so far)`;
    return [
      ...(inc.description ? [inc.description, ''] : []),
      `- **Impact window:** ${window}`,
      `- **Public:** ${severityOf(this.policy, inc).public ? 'yes (status page)' : 'no'}`,
      '- **Who was affected, and how:** _to be written_',
    ];
  }

  private async severity(): Promise<string[]> {
    const events = (await timelineOf(this.tx, this.inc.id)).filter((e) => e.kind === 'declared' || e.kind === 'severity');
    return events.length ? events.map((e) => `- ${this.time(e.at)} — ${e.text}`) : [`- ${severityLabel(severityOf(this.policy, this.inc))} throughout`];
  }

  private async roles(): Promise<string[]> {
    const rows = (await this.tx.select().from(roleAssignments).where(eq(roleAssignments.incidentId, this.inc.id)).orderBy(asc(roleAssignments.assignedAt)));
    if (rows.length === 0) return ['- None assigned.'];
    return rows.map((r) => `- **${r.role}:** ${personName(this.policy, r.person)} (since ${this.time(r.assignedAt)})`);
  }

  /** Every page: who was notified at which tier and when, and how long acknowledging took. */
  private async pages(): Promise<string[]> {
    const rows = (await this.tx.select().from(pages).where(eq(pages.incidentId, this.inc.id)).orderBy(asc(pages.id)));
    if (rows.length === 0) return ['- No pages.'];
    return Promise.all(rows.map(async (p) => {
      const notes = (await this.tx.select().from(pageNotifications).where(eq(pageNotifications.pageId, p.id)).orderBy(asc(pageNotifications.id)));
      const who = notes.map((n) => `tier ${n.tier + 1}${n.cycle ? ` (repeat ${n.cycle})` : ''} ${personName(this.policy, n.person)} at ${this.time(n.notifiedAt)}`);
      const what = p.policy ? `escalation policy ${p.policy}` : p.target.replace(':', ' ');
      let outcome: string;
      if (p.status === 'acknowledged' && p.acknowledgedAt) {
        const mine = notes.find((n) => n.person === p.acknowledgedBy);
        const sinceNotified = mine ? `, ${formatMs(p.acknowledgedAt.getTime() - mine.notifiedAt.getTime())} after they were notified` : '';
        outcome = `acknowledged by ${personName(this.policy, p.acknowledgedBy)} at ${this.time(p.acknowledgedAt)}, ${formatMs(p.acknowledgedAt.getTime() - p.createdAt.getTime())} after paging${sinceNotified}`;
      } else if (p.status === 'exhausted') outcome = `exhausted at ${this.time(p.closedAt)}: nobody acknowledged`;
      else if (p.status === 'cancelled') outcome = `cancelled at ${this.time(p.closedAt)} (resolved before anyone acknowledged)`;
      else outcome = 'still open';
      return `- ${this.time(p.createdAt)} — paged ${what}: ${who.join('; ') || 'nobody notified'}. ${outcome[0].toUpperCase()}${outcome.slice(1)}.`;
    }));
  }

  /** Everything on the incident's timeline up to resolution; postmortem bookkeeping is left out. */
  private async timeline(): Promise<string[]> {
    const events = (await timelineOf(this.tx, this.inc.id)).filter((e) => !e.kind.startsWith('postmortem'));
    return events.map((e) => `- ${this.time(e.at)} — ${e.text}`);
  }
}
