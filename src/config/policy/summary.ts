import { formatMs, type Duration } from '../../domain/duration.js';
import { describeRules } from './roles.js';
import type { Policy } from './validated.js';

const showDuration = (d: Duration): string => (d.kind === 'wall' ? formatMs(d.ms) : d.text);

/** A few lines for `klaxon check-policy`: what the file will make Klaxon do. */
export function summarizePolicy(p: Policy): string {
  const bh = p.business_hours;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    `Policy${p.name ? ` "${p.name}"` : ''}: ${p.timezone}, business hours ${bh.days.join(',')} ${bh.start}-${bh.end}` +
      (bh.holidays.length ? `, ${plural(bh.holidays.length, 'holiday')}` : ''),
    `People: ${Object.keys(p.people).length}; roles: ${describeRules(p.role_rules)}; groups: ${Object.keys(p.groups).join(', ') || 'none'}`,
    `Schedules: ${Object.entries(p.schedules).map(([n, s]) => `${n} (${s.rotation} at ${s.handoff}, ${plural(s.members.length, 'member')})`).join('; ') || 'none'}`,
    `Escalation policies: ${Object.entries(p.escalation_policies).map(([n, e]) => `${n} (${plural(e.tiers.length, 'tier')}, repeat ${e.repeat})`).join('; ') || 'none'}`,
    `Severities (most severe first, default ${p.default_severity}):`,
  ];
  for (const s of p.severities) {
    const bits = [
      s.aliases.length ? `aka ${s.aliases.join(', ')}` : '',
      s.targets?.acknowledge ? `ack ${showDuration(s.targets.acknowledge)}` : '',
      s.targets?.mitigate ? `mitigate ${showDuration(s.targets.mitigate)}` : '',
      s.targets?.resolve ? `resolve ${showDuration(s.targets.resolve)}` : '',
      s.updates?.every ? `updates every ${showDuration(s.updates.every)}` : '',
      s.updates?.at ? `updates at ${s.updates.at.join(', ')} ${s.updates.days === 'business' ? 'on business days' : 'every day'}` : '',
      s.updates?.by_status ? `updates by status ${Object.entries(s.updates.by_status).map(([k, d]) => `${k} ${showDuration(d as Duration)}`).join(', ')}` : '',
      s.page ? `pages ${s.page}` : 'no paging',
      s.auto_escalate ? `pages ${s.auto_escalate.page} if unmitigated after ${showDuration(s.auto_escalate.after)}` : '',
      s.postmortem?.required ? `postmortem${s.postmortem.due ? ` due ${showDuration(s.postmortem.due)}` : ''}` : '',
      s.postmortem?.required_if_longer_than ? `postmortem if longer than ${showDuration(s.postmortem.required_if_longer_than)}` : '',
      s.public ? `public${s.publish_after ? ` after ${showDuration(s.publish_after)}` : ''}` : '',
      s.public_updates ? `public updates every ${showDuration(s.public_updates.every)}` : '',
      checklistSummary(p, s),
      s.roles ? `roles ${describeRules(s.roles)}` : '',
      s.required_roles.length ? `requires ${s.required_roles.join(', ')} within ${showDuration(s.role_grace ?? p.role_grace)}` : '',
    ].filter(Boolean);
    lines.push(`  ${s.id}${s.name ? ` (${s.name})` : ''}: ${bits.join('; ')}`);
  }
  const support = Object.entries(p.support ?? {})
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} (${plural(v!.channels.length, 'channel')}${v!.notify ? `; in-hours replies tell ${v!.notify}` : ''})`);
  if (support.length) lines.push(`Support: ${support.join(', ')}`);
  if (p.status_page) {
    const parts = p.status_page.components.length ? `; components: ${p.status_page.components.join(', ')}` : '';
    lines.push(`Status page: "${p.status_page.title}", public incidents after ${showDuration(p.status_page.publish_after)}${parts}`);
  }
  for (const r of p.reminders) lines.push(`Reminder: "${r.text}" to ${r.channel} at cron "${r.cron}" (${p.timezone})`);
  const actions = Object.entries(p.actions);
  if (actions.length) {
    lines.push(`Actions (run with /incident action <name>; Klaxon's own automation/safe-mode switches never stop pages):`);
    for (const [name, a] of actions) {
      const secrets = Object.values(a.headers_env);
      lines.push(`  ${name}: ${a.method} ${a.url}${a.confirm ? ', asks to confirm' : ''}${secrets.length ? `, secret from ${secrets.join(', ')}` : ''}, timeout ${showDuration(a.timeout)}`);
    }
  }
  if (p.templates && Object.keys(p.templates).length) lines.push(`Templates overridden: ${Object.keys(p.templates).join(', ')}`);
  return lines.join('\n');
}

/** "checklists declared 3, mitigated 1, resolved 2": items per phase, shared lists spelled out. */
function checklistSummary(p: Policy, s: Policy['severities'][number]): string {
  const count = (phase: 'declared' | 'mitigated' | 'resolved') => {
    const own = s.checklists?.[phase] ?? [];
    const n = own.reduce((sum, e) => sum + (typeof e === 'object' && 'use' in e ? (p.checklists[e.use]?.length ?? 0) : 1), 0);
    return phase === 'declared' ? n + s.checklist.length : n;
  };
  const parts = (['declared', 'mitigated', 'resolved'] as const).map((ph) => [ph, count(ph)] as const).filter(([, n]) => n > 0);
  return parts.length ? `checklists ${parts.map(([ph, n]) => `${ph} ${n}`).join(', ')}` : '';
}
