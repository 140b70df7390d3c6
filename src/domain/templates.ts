// Message templates: `{placeholder}` text a policy can override per team.
// Pure string work — the service decides which variables each message gets.

export const TEMPLATE_NAMES = [
  'declared', 'update', 'resolved', 'page', 'nudge', 'exhausted', 'target_missed',
  'postmortem_reminder', 'support_in_hours', 'support_out_of_hours',
] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const KNOWN_PLACEHOLDERS: readonly string[] = [
  'number', 'incident_id', 'title', 'severity', 'severity_name', 'severity_description', 'status',
  'declared_at', 'timestamp', 'description', 'commander', 'engineer', 'declarer', 'text', 'details',
  'next_update', 'time', 'eta', 'estimate', 'summary', 'duration', 'total_time', 'root_cause',
  'brief_cause', 'postmortem', 'link', 'person', 'tier', 'late_by', 'support_hours', 'issue_url',
];

// Runbooks name the same fact differently (runbook 003 says {engineer}, {details},
// {estimate}, {total_time}, {brief_cause}, {incident_id}, {timestamp}, {time}). When a
// template asks for a name the caller did not supply, the synonym is used, so a team can
// paste its runbook's template verbatim whichever name the service fills in.
const SYNONYMS: Record<string, readonly string[]> = {
  incident_id: ['number'], number: ['incident_id'],
  engineer: ['commander'], commander: ['engineer'],
  details: ['text'], text: ['details'],
  estimate: ['eta'], eta: ['estimate'],
  total_time: ['duration'], duration: ['total_time'],
  brief_cause: ['root_cause'], root_cause: ['brief_cause'],
  timestamp: ['declared_at'],
  time: ['next_update'],
};

// A placeholder with no value inside other text reads as a dash; a line whose every placeholder
// is empty ("ETA: {eta}" before anyone gave one) is left out instead of printing "ETA: —".
const MISSING = '—';

/**
 * Defaults follow runbook 003's Initial Alert / Status Update / Resolution. Variables by
 * template (beyond number, title, severity, severity_name, status, link):
 *   declared: declared_at, description, commander · update: text, eta, next_update
 *   resolved: summary, duration, root_cause, postmortem · page: person, tier
 *   nudge: person · exhausted: tier · target_missed: text (which target), late_by
 *   postmortem_reminder: time (when due), person · support_*: support_hours, issue_url
 */
export const DEFAULT_TEMPLATES: Record<TemplateName, string> = {
  declared:
    '🚨 INCIDENT: {severity} - {title}\nDetected: {declared_at}\nImpact: {description}\n' +
    'Assigned: {commander}\nIncident: #{number}\nStatus: {status}',
  update:
    '📊 UPDATE: {severity} - {title}\nCurrent Status: {status}\nProgress: {text}\n' +
    'ETA: {eta}\nNext Update: {next_update}',
  resolved:
    '✅ RESOLVED: {severity} - {title}\nResolution: {summary}\nDuration: {duration}\n' +
    'Root Cause: {root_cause}\nPost-mortem: {postmortem}',
  page:
    '📟 {person}: you are paged for incident #{number} ({severity} - {title}), tier {tier}. ' +
    'Acknowledge with the button, a ✅ reaction or `ack #{number}`.',
  nudge:
    '⏰ {person}: incident #{number} ({severity} - {title}) is due a status update. ' +
    'Post one with `update #{number} <text>`.',
  exhausted:
    '🚫 Nobody acknowledged the page for incident #{number} ({severity} - {title}) after every tier. ' +
    'Page someone directly with `page #{number} @person`.',
  target_missed:
    '⚠️ Incident #{number} ({severity} - {title}) missed its {text} target by {late_by}.',
  postmortem_reminder:
    '📝 {person}: the postmortem for incident #{number} ({severity} - {title}) is due {time}. ' +
    'Mark it done with `postmortem #{number} done <url>`.',
  // No promise of a resolution time: runbook 004 says the first reply only reassures.
  support_in_hours:
    '👋 Thanks, we have your message and someone from the team is looking at it. ' +
    'Support hours: {support_hours}. To track a bug or request, please open an issue: {issue_url}',
  support_out_of_hours:
    '👋 Thanks for your message. We are outside support hours ({support_hours}) and will pick it up ' +
    'when we are back. To track a bug or request, please open an issue: {issue_url}',
};

// Only identifier-shaped names are placeholders, so JSON or "{scheduled/not_required}"
// in a template stays literal text.
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

type Vars = Record<string, string | number | undefined>;

function valueOf(name: string, vars: Vars): string | undefined {
  const own = Object.hasOwn(vars, name) ? vars[name] : undefined;
  if (own !== undefined && own !== '') return String(own);
  if (!Object.hasOwn(SYNONYMS, name)) return undefined;
  for (const key of SYNONYMS[name]) {
    const value = Object.hasOwn(vars, key) ? vars[key] : undefined;
    if (value !== undefined && value !== '') return String(value);
  }
  return undefined;
}

/** One template line split at its placeholders: `parts` alternates literal text and a placeholder's name. */
type Line = { parts: string[]; names: string[] };

/**
 * Templates split once, not on every message (a scheduler tick renders one per nudge). They come
 * from the policy, so there are few; the bound only guards against a caller rendering free text.
 */
const compiled = new Map<string, Line[]>();
const MAX_COMPILED = 256;

function compile(tpl: string): Line[] {
  let lines = compiled.get(tpl);
  if (!lines) {
    lines = tpl.split('\n').map((line) => ({ parts: line.split(PLACEHOLDER), names: placeholdersIn(line) }));
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(tpl, lines);
  }
  return lines;
}

export function renderTemplate(tpl: string, vars: Vars): string {
  const lines: string[] = [];
  for (const { parts, names } of compile(tpl)) {
    if (names.length > 0 && names.every((n) => valueOf(n, vars) === undefined)) continue;
    let line = parts[0];
    for (let i = 1; i < parts.length; i += 2) line += (valueOf(parts[i], vars) ?? MISSING) + parts[i + 1];
    lines.push(line);
  }
  return lines.join('\n');
}

/** Placeholder names in order of first appearance, without duplicates. */
export function placeholdersIn(tpl: string): string[] {
  const seen = new Set<string>();
  for (const m of tpl.matchAll(PLACEHOLDER)) seen.add(m[1]);
  return [...seen];
}
