// Message bodies rendered from the policy's templates (or the defaults, after runbook 003's wording).
import type { MessageBody } from './port.js';
import type { Policy, Severity } from '../config/policy/index.js';
import { DEFAULT_TEMPLATES, renderTemplate, type TemplateName } from '../domain/templates.js';

type Vars = Record<string, string | number | undefined>;

/** The severity's own template (`severities[].templates`), else the policy's, else the default. */
export function template(policy: Policy, name: TemplateName, sev?: Severity): string {
  const own = (sev?.templates as Record<string, string> | undefined)?.[name];
  return own ?? (policy.templates as Record<string, string> | undefined)?.[name] ?? DEFAULT_TEMPLATES[name];
}

export function render(policy: Policy, name: TemplateName, vars: Vars, sev?: Severity): string {
  return renderTemplate(template(policy, name, sev), vars);
}

/**
 * `roles` is the holders line ("Roles: commander Alice · comms open"), shown first under the template;
 * `checklist` the declared phase's numbered items ("☐ 1. Name a commander").
 */
export function declaredBody(policy: Policy, vars: Vars, sev: Severity, roles?: string, checklist: string[] = []): MessageBody {
  const lines: string[] = roles ? [roles] : [];
  if (sev.runbooks.length) lines.push(`Runbooks: ${sev.runbooks.join(' · ')}`);
  lines.push(...checklist);
  const text = render(policy, 'declared', vars, sev);
  return { text: lines.length ? `${text}\n${lines.join('\n')}` : text, title: `#${vars.number} ${vars.title}`, lines, tone: 'alert' };
}

export function announcementBody(vars: Vars, where: string): MessageBody {
  return {
    text: `🚨 ${vars.severity} declared: #${vars.number} ${vars.title} — follow in ${where}. Commander: ${vars.commander}.`,
    title: `${vars.severity} declared: #${vars.number} ${vars.title}`,
    tone: 'alert',
  };
}

export function updateBody(policy: Policy, vars: Vars, sev?: Severity): MessageBody {
  return { text: render(policy, 'update', vars, sev), title: `Update on #${vars.number}`, tone: 'info' };
}

export function resolvedBody(policy: Policy, vars: Vars, sev?: Severity): MessageBody {
  return { text: render(policy, 'resolved', vars, sev), title: `Resolved #${vars.number}`, tone: 'good' };
}

export function pageBody(policy: Policy, vars: Vars, pageId: number, tierCount: number, late: boolean): MessageBody {
  let text = render(policy, 'page', vars);
  if (late && vars.late_by) text += `\n⏰ This page is late by ${vars.late_by}: Klaxon was not running when it fell due.`;
  return {
    text,
    title: `Page: #${vars.number} ${vars.title}`,
    fields: [
      { label: 'Severity', value: String(vars.severity) },
      { label: 'Tier', value: `${vars.tier} of ${tierCount}` },
    ],
    actions: [{ id: 'ack', label: 'Acknowledge', value: String(pageId) }],
    tone: 'alert',
  };
}

/** A page copy once the page is over: no button, and who closed it. */
export function pageClosedBody(text: string): MessageBody {
  return { text, tone: 'good' };
}
