// The policy file: a team's runbook as YAML (SPEC §7). Parsed once at start and by
// `klaxon check-policy`; every problem is reported with its path so a person can fix the
// whole file in one pass. Keys stay snake_case, as the team wrote them.
import { readFileSync } from 'node:fs';
import { IANAZone, DateTime } from 'luxon';
import { validate as validCron } from 'node-cron';
import { parseDocument, type YAMLError } from 'yaml';
import { z } from 'zod';
import type { Calendar } from '../domain/business-time.js';
import { KNOWN_PLACEHOLDERS, placeholdersIn, TEMPLATE_NAMES } from '../domain/templates.js';
import { formatMs, parseDuration, type Duration } from './duration.js';
import { checkIntegrations, IntegrationsSchema } from './policy/integrations.js';

export type WallDuration = Extract<Duration, { kind: 'wall' }>;

export const ACTIONS = [
  'declare', 'update', 'mitigate', 'severity', 'role', 'page', 'ack', 'resolve',
  'postmortem', 'override', 'automation', 'safe_mode',
] as const;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const GROUP_PREFIXES = ['discord-role:', 'slack-usergroup:'];

// ---------------------------------------------------------------------------------------
// Scalars. Each turns a raw YAML value into a typed one or reports one readable message.

type Parsed<T> = { ok: T } | { error: string };

function scalar<T>(parse: (v: unknown) => Parsed<T>) {
  return z.unknown().transform((v, ctx): T => {
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required' });
      return z.NEVER;
    }
    const r = parse(v);
    if ('error' in r) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.ok;
  });
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? String(v) : JSON.stringify(v) ?? String(v));

const text = scalar<string>((v) =>
  typeof v === 'string' && v.trim() !== '' ? { ok: v.trim() } : { error: `expected text, got ${show(v)}` });

// YAML is read with intAsBigInt, so an unquoted 18-digit Discord id arrives intact as a
// bigint instead of a rounded float; ids are kept as strings either way.
const id = scalar<string>((v) => {
  if (typeof v === 'string' && v.trim() !== '') return { ok: v.trim() };
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return { ok: String(v) };
  return { error: `expected an id, got ${show(v)}` };
});

const count = scalar<number>((v) => {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? { ok: n } : { error: `expected a whole number ≥ 0, got ${show(v)}` };
});

const duration = scalar<Duration>((v) => {
  if (typeof v !== 'string') return { error: `${show(v)} is not a duration (give a unit, e.g. 15m, 4h, 3 business days)` };
  const d = parseDuration(v);
  return d ? { ok: d } : { error: `${show(v)} is not a duration` };
});

// Escalation timers fire on the clock; "2 business hours" would silently stall a page overnight.
const wallDuration = scalar<WallDuration>((v) => {
  if (typeof v !== 'string') return { error: `${show(v)} is not a duration (give a unit, e.g. 15m)` };
  const d = parseDuration(v);
  if (!d) return { error: `${show(v)} is not a duration` };
  if (d.kind !== 'wall') return { error: `${show(v)} is business time; this must be wall-clock (e.g. 15m)` };
  return { ok: d };
});

const defaultDuration = (t: string): Duration => parseDuration(t) as Duration;

// "24:00" is allowed so business hours can end at midnight.
const clock = scalar<string>((v) => {
  const m = typeof v === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(v.trim()) : null;
  if (!m || Number(m[2]) > 59 || Number(m[1]) * 60 + Number(m[2]) > 24 * 60) return { error: `${show(v)} is not a time of day (HH:MM)` };
  return { ok: `${m[1].padStart(2, '0')}:${m[2]}` };
});

const date = scalar<string>((v) => {
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
  if (typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid) return { ok: s };
  return { error: `${show(v)} is not a date (YYYY-MM-DD)` };
});

const DAY_NAMES: Record<string, (typeof DAYS)[number]> = {
  mon: 'mon', monday: 'mon', tue: 'tue', tues: 'tue', tuesday: 'tue', wed: 'wed', wednesday: 'wed',
  thu: 'thu', thur: 'thu', thurs: 'thu', thursday: 'thu', fri: 'fri', friday: 'fri',
  sat: 'sat', saturday: 'sat', sun: 'sun', sunday: 'sun',
};
const dayName = (v: string): (typeof DAYS)[number] | undefined => DAY_NAMES[v.trim().toLowerCase()];

const day = scalar<(typeof DAYS)[number]>((v) => {
  const d = typeof v === 'string' ? dayName(v) : undefined;
  return d ? { ok: d } : { error: `${show(v)} is not a day (mon … sun)` };
});

const timezone = scalar<string>((v) =>
  typeof v === 'string' && IANAZone.isValidZone(v) ? { ok: v } : { error: `${show(v)} is not an IANA time zone (e.g. Europe/London)` });

const target = scalar<string>((v) =>
  typeof v === 'string' && /^(schedule|person):\S+$/.test(v.trim())
    ? { ok: v.trim() }
    : { error: `${show(v)} is not a target (use schedule:NAME or person:NAME)` });

const permission = scalar<'anyone' | string[]>((v) => {
  if (v === 'anyone') return { ok: 'anyone' };
  if (Array.isArray(v) && v.every((g) => typeof g === 'string' && g.trim() !== '')) return { ok: v.map((g: string) => g.trim()) };
  return { error: `expected "anyone" or a list of group names, got ${show(v)}` };
});

const list = <T extends z.ZodType>(item: T) => z.array(item);

// ---------------------------------------------------------------------------------------
// Sections of the file.

const BusinessHoursSchema = z.strictObject({
  days: list(day).min(1, 'needs at least one day').default(['mon', 'tue', 'wed', 'thu', 'fri']),
  start: clock.default('09:00'),
  end: clock.default('17:00'),
  holidays: list(date).default([]),
});

const PersonSchema = z.strictObject({
  name: text,
  slack: id.optional(),
  discord: id.optional(),
  email: text.optional(),
});

const ScheduleSchema = z
  .strictObject({
    rotation: z.enum(['weekly', 'daily', 'weekdays']),
    // "mon 09:00" for weekly, "09:00" otherwise; defaulted below once rotation is known.
    handoff: text.optional(),
    start: date,
    members: list(id).min(1, 'needs at least one member'),
    // Post "On support today: @alice" to a channel topic on a cron (runbook 004's rota).
    announce: z.strictObject({ topic: text, cron: text }).optional(),
    slack_usergroup: id.optional(),
    shift_notices: z.boolean().default(true),
  })
  .transform((s) => ({ ...s, handoff: (s.handoff ?? (s.rotation === 'weekly' ? 'mon 09:00' : '09:00')).toLowerCase() }));

const TierSchema = z.strictObject({
  targets: list(target).min(1, 'needs at least one target'),
  ack_timeout: wallDuration,
  // Lets a policy page the rota in office hours and someone else out of hours (runbook 004).
  when: z.enum(['business_hours', 'out_of_hours']).optional(),
});

const EscalationPolicySchema = z.strictObject({
  repeat: count.default(0),
  tiers: list(TierSchema).min(1, 'needs at least one tier'),
});

const SeveritySchema = z.strictObject({
  id,
  name: text.optional(),
  aliases: list(id).default([]),
  description: text,
  page: text.optional(),
  targets: z.strictObject({ acknowledge: duration.optional(), resolve: duration.optional() }).optional(),
  updates: z
    .strictObject({
      every: duration.optional(),
      // Cadence that relaxes once stabilised (runbook 002: 15m, then 30–60m).
      by_status: z
        .strictObject({ investigating: duration.optional(), identified: duration.optional(), monitoring: duration.optional() })
        .optional(),
    })
    .optional(),
  postmortem: z
    .strictObject({
      required: z.boolean().default(false),
      due: duration.optional(),
      // Runbook 003: "any incident lasting >4 hours" needs one, whatever its severity.
      required_if_longer_than: duration.optional(),
    })
    .optional(),
  // Extension: runbook 003 "auto-escalate after 2h", runbook 002 "notify secondary if
  // persistent >30–60 minutes". Pages `page` once if still unmitigated `after` declaring.
  auto_escalate: z.strictObject({ after: duration, page: text }).optional(),
  notify: list(text).default([]),
  public: z.boolean().default(false),
  runbooks: list(text).default([]),
  checklist: list(text).default([]),
});

const SupportSchema = z.strictObject({
  channels: list(id).default([]),
  cooldown: duration.default(() => defaultDuration('12h')),
  issue_url: text.optional(),
  hours_text: text.optional(),
  in_hours: text.optional(),
  out_of_hours: text.optional(),
  security_keywords: list(text).default([]),
  security_severity: text.optional(),
});

const ChannelMap = z.record(z.string(), id);

const PolicyObject = z.strictObject({
  name: text.optional(),
  timezone: timezone.default('UTC'),
  business_hours: BusinessHoursSchema.default({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', holidays: [] }),
  people: z.record(z.string(), PersonSchema).default({}),
  schedules: z.record(z.string(), ScheduleSchema).default({}),
  escalation_policies: z.record(z.string(), EscalationPolicySchema).default({}),
  roles: list(text).min(1).default(['commander', 'comms', 'scribe']),
  groups: z.record(z.string(), list(id)).default({}),
  permissions: z.partialRecord(z.enum(ACTIONS), permission).default({}),
  severities: list(SeveritySchema).min(1, 'needs at least one severity'),
  default_severity: text.optional(),
  channels: z.strictObject({ slack: ChannelMap.optional(), discord: ChannelMap.optional() }).default({}),
  support: z.strictObject({ discord: SupportSchema.optional(), slack: SupportSchema.optional() }).optional(),
  status_page: z
    .strictObject({ title: text, publish_after: duration.default(() => defaultDuration('30m')), url: text.optional() })
    .optional(),
  templates: z.partialRecord(z.enum(TEMPLATE_NAMES), z.string()).optional(),
  postmortem: z.strictObject({ sections: list(text).default([]) }).optional(),
  reactions: z
    .strictObject({
      acknowledge: list(text).default(['white_check_mark', 'eyes']),
      timeline: list(text).default(['pushpin']),
      declare: list(text).default(['rotating_light']),
    })
    .default({ acknowledge: ['white_check_mark', 'eyes'], timeline: ['pushpin'], declare: ['rotating_light'] }),
  integrations: IntegrationsSchema,
});

type PolicyShape = z.output<typeof PolicyObject>;

export const PolicySchema = PolicyObject
  // Runs even when fields failed, so cross-reference errors arrive with the rest.
  .superRefine((p, ctx) => crossCheck(p, (path, message) => ctx.addIssue({ code: 'custom', path, message })), { when: () => true })
  .transform((p) => ({
    ...p,
    default_severity: findIn(p.severities, p.default_severity ?? '')?.id ?? p.severities[p.severities.length - 1].id,
  }));

export type Policy = z.output<typeof PolicySchema>;
export type Severity = Policy['severities'][number];
export type Schedule = z.output<typeof ScheduleSchema>;
export type EscalationPolicy = z.output<typeof EscalationPolicySchema>;
export type Tier = z.output<typeof TierSchema>;
export type SupportConfig = z.output<typeof SupportSchema>;
export type Action = (typeof ACTIONS)[number];

// ---------------------------------------------------------------------------------------
// Cross references. The value may be partly invalid here (a failed field holds a zod
// marker or is missing), so every access checks its shape before trusting it.

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const entries = (v: unknown): [string, unknown][] => (isObj(v) ? Object.entries(v) : []);
const items = (v: unknown): [number, unknown][] => (Array.isArray(v) ? v.map((x, i) => [i, x] as [number, unknown]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');

function crossCheck(p: PolicyShape, report: Report): void {
  const people = new Set(Object.keys(isObj(p.people) ? p.people : {}));
  const schedules = new Set(Object.keys(isObj(p.schedules) ? p.schedules : {}));
  const policies = new Set(Object.keys(isObj(p.escalation_policies) ? p.escalation_policies : {}));
  const groups = new Set(Object.keys(isObj(p.groups) ? p.groups : {}));
  const channels = new Set([...entries(p.channels?.slack), ...entries(p.channels?.discord)].map(([k]) => k));
  const severityKeys = new Set<string>();
  for (const [, s] of items(p.severities)) {
    if (!isObj(s)) continue;
    for (const name of [s.id, ...(Array.isArray(s.aliases) ? s.aliases : [])]) if (str(name)) severityKeys.add(norm(name as string));
  }

  const bh = p.business_hours;
  if (isObj(bh) && str(bh.start) && str(bh.end) && bh.end <= bh.start) {
    report(['business_hours', 'end'], `${bh.end} is not after start ${bh.start}`);
  }

  for (const [name, s] of entries(p.schedules)) {
    if (!isObj(s)) continue;
    for (const [i, m] of items(s.members)) {
      if (str(m) && !people.has(m as string)) report(['schedules', name, 'members', i], `unknown person "${m}"`);
    }
    const handoff = str(s.handoff);
    if (handoff && str(s.rotation)) {
      const ok = s.rotation === 'weekly' ? /^(?:([a-z]+)\s+)?\d{1,2}:\d{2}$/i : /^\d{1,2}:\d{2}$/;
      const m = ok.exec(handoff.trim());
      const clockOk = m && /^([01]?\d|2[0-3]):[0-5]\d$/.test(handoff.trim().split(/\s+/).pop() ?? '');
      if (!m || !clockOk || (m[1] && !dayName(m[1]))) {
        const form = s.rotation === 'weekly' ? '"mon 09:00"' : '"09:00"';
        report(['schedules', name, 'handoff'], `${show(handoff)} is not a ${s.rotation} hand-off (like ${form})`);
      }
    }
    if (isObj(s.announce)) {
      const topic = str(s.announce.topic);
      if (topic && !channels.has(topic)) report(['schedules', name, 'announce', 'topic'], `unknown channel "${topic}" (define it under channels)`);
      const cron = str(s.announce.cron);
      if (cron && !validCron(cron)) report(['schedules', name, 'announce', 'cron'], `${show(cron)} is not a cron expression`);
    }
  }

  for (const [name, ep] of entries(p.escalation_policies)) {
    if (!isObj(ep)) continue;
    for (const [t, tier] of items(ep.tiers)) {
      if (!isObj(tier)) continue;
      for (const [j, tg] of items(tier.targets)) {
        const [kind, ref] = (str(tg) ?? '').split(/:(.*)/s);
        if (kind === 'schedule' && !schedules.has(ref)) report(['escalation_policies', name, 'tiers', t, 'targets', j], `unknown schedule "${ref}"`);
        if (kind === 'person' && !people.has(ref)) report(['escalation_policies', name, 'tiers', t, 'targets', j], `unknown person "${ref}"`);
      }
    }
  }

  for (const [name, members] of entries(p.groups)) {
    for (const [i, m] of items(members)) {
      const ref = str(m);
      // "api" stands for integrations declaring through POST /api/v1/incidents.
      if (!ref || ref === 'api' || GROUP_PREFIXES.some((pre) => ref.startsWith(pre) && ref.length > pre.length)) continue;
      if (!people.has(ref)) report(['groups', name, i], `unknown person "${ref}" (or use api, discord-role:ID or slack-usergroup:ID)`);
    }
  }

  for (const [action, allowed] of entries(p.permissions)) {
    for (const [i, g] of items(allowed)) {
      if (str(g) && !groups.has(g as string)) report(['permissions', action, i], `unknown group "${g}"`);
    }
  }

  const seen = new Map<string, number>();
  for (const [i, s] of items(p.severities)) {
    if (!isObj(s)) continue;
    const names: [Path, unknown][] = [[['id'], s.id], ...items(s.aliases).map(([j, a]): [Path, unknown] => [['aliases', j], a])];
    for (const [sub, n] of names) {
      if (!str(n)) continue;
      const key = norm(n as string);
      const first = seen.get(key);
      if (first !== undefined) report(['severities', i, ...sub], `"${n}" is already used by severities[${first}]`);
      else seen.set(key, i);
    }
    const page = str(s.page);
    if (page && !policies.has(page)) report(['severities', i, 'page'], `unknown escalation policy "${page}"`);
    const auto = isObj(s.auto_escalate) ? str(s.auto_escalate.page) : undefined;
    if (auto && !policies.has(auto)) report(['severities', i, 'auto_escalate', 'page'], `unknown escalation policy "${auto}"`);
    for (const [j, n] of items(s.notify)) {
      if (str(n) && !channels.has(n as string) && !groups.has(n as string)) report(['severities', i, 'notify', j], `unknown channel or group "${n}"`);
    }
  }

  const def = str(p.default_severity);
  if (def && !severityKeys.has(norm(def))) report(['default_severity'], `unknown severity "${def}"`);

  for (const platform of ['discord', 'slack'] as const) {
    const sup = p.support?.[platform];
    if (!isObj(sup)) continue;
    const sev = str(sup.security_severity);
    if (sev && !severityKeys.has(norm(sev))) report(['support', platform, 'security_severity'], `unknown severity "${sev}"`);
    if (!sev && Array.isArray(sup.security_keywords) && sup.security_keywords.length > 0) {
      report(['support', platform, 'security_severity'], 'required when security_keywords are set');
    }
    for (const key of ['in_hours', 'out_of_hours', 'hours_text'] as const) checkPlaceholders(sup[key], ['support', platform, key], report);
  }

  for (const [name, tpl] of entries(p.templates)) checkPlaceholders(tpl, ['templates', name], report);
  checkIntegrations(p.integrations, (s) => severityKeys.has(norm(s)), report);
}

function checkPlaceholders(tpl: unknown, path: Path, report: Report): void {
  if (!str(tpl)) return;
  for (const name of placeholdersIn(tpl as string)) {
    if (!KNOWN_PLACEHOLDERS.includes(name)) report(path, `unknown placeholder {${name}}`);
  }
}

// ---------------------------------------------------------------------------------------
// Loading and errors.

export class PolicyError extends Error {
  readonly issues: string[];
  constructor(issues: string[], source = 'policy') {
    super(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${issues.map((i) => `  ${i}`).join('\n')}`);
    this.name = 'PolicyError';
    this.issues = issues;
  }
}

/** `severities[1].targets.resolve` from zod's ['severities', 1, 'targets', 'resolve']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || '(top level)';
}

// Known keys for the maps whose typos are most likely, to suggest the intended one.
const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(PolicyObject.shape),
  permissions: ACTIONS,
  templates: TEMPLATE_NAMES,
};

function suggestion(key: string, known: readonly string[] | undefined): string {
  if (!known) return '';
  const close = known.find((k) => editDistance(k, key) <= 2);
  return close ? ` (did you mean "${close}"?)` : ` (expected one of: ${known.join(', ')})`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function issueLines(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.join('.');
    const known = Object.hasOwn(KNOWN_KEYS, where) ? KNOWN_KEYS[where] : undefined;
    return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key${suggestion(k, known)}`);
  }
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

function yamlIssue(e: YAMLError): string {
  const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const pos = e.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}: ${first}` : `yaml: ${first}`;
}

export function parsePolicy(yamlText: string, source = 'policy'): Policy {
  const doc = parseDocument(yamlText, { intAsBigInt: true });
  if (doc.errors.length > 0) throw new PolicyError(doc.errors.map(yamlIssue), source);
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw new PolicyError(['(top level): the policy is empty'], source);
  if (!isObj(data)) throw new PolicyError([`(top level): expected a mapping of policy keys, got ${show(data)}`], source);
  const result = PolicySchema.safeParse(data, { error: (iss) => (iss.input === undefined ? 'required' : undefined) });
  if (!result.success) throw new PolicyError([...new Set(result.error.issues.flatMap(issueLines))], source);
  return result.data;
}

export function loadPolicy(path: string): Policy {
  let yamlText: string;
  try {
    yamlText = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new PolicyError([`(file): cannot read ${path} (${code})`], path);
  }
  return parsePolicy(yamlText, path);
}

// ---------------------------------------------------------------------------------------
// Lookups used across the app.

function findIn<T extends { id: string; aliases: string[] }>(severities: readonly T[], idOrAlias: string): T | undefined {
  const key = norm(idOrAlias);
  if (!key) return undefined;
  return severities.find((s) => norm(s.id) === key || s.aliases.some((a) => norm(a) === key));
}

/** Case-insensitive; matches an id or an alias ("Sev 1", "critical"). */
export function findSeverity(p: Policy, idOrAlias: string): Severity | undefined {
  return findIn(p.severities, idOrAlias);
}

/** 0 = most severe (the file lists severities most severe first); -1 when unknown. */
export function severityRank(p: Policy, id: string): number {
  const s = findSeverity(p, id);
  return s ? p.severities.indexOf(s) : -1;
}

/** Every id and alias, for the command parser's severity prefix. */
export function severityNames(p: Policy): string[] {
  return p.severities.flatMap((s) => [s.id, ...s.aliases]);
}

export function policyCalendar(p: Policy): Calendar {
  const bh = p.business_hours;
  return { timezone: p.timezone, days: [...bh.days], start: bh.start, end: bh.end, holidays: [...bh.holidays] };
}

const showDuration = (d: Duration): string => (d.kind === 'wall' ? formatMs(d.ms) : d.text);

/** A few lines for `klaxon check-policy`: what the file will make Klaxon do. */
export function summarizePolicy(p: Policy): string {
  const bh = p.business_hours;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    `Policy${p.name ? ` "${p.name}"` : ''}: ${p.timezone}, business hours ${bh.days.join(',')} ${bh.start}-${bh.end}` +
      (bh.holidays.length ? `, ${plural(bh.holidays.length, 'holiday')}` : ''),
    `People: ${Object.keys(p.people).length}; roles: ${p.roles.join(', ')}; groups: ${Object.keys(p.groups).join(', ') || 'none'}`,
    `Schedules: ${Object.entries(p.schedules).map(([n, s]) => `${n} (${s.rotation} at ${s.handoff}, ${plural(s.members.length, 'member')})`).join('; ') || 'none'}`,
    `Escalation policies: ${Object.entries(p.escalation_policies).map(([n, e]) => `${n} (${plural(e.tiers.length, 'tier')}, repeat ${e.repeat})`).join('; ') || 'none'}`,
    `Severities (most severe first, default ${p.default_severity}):`,
  ];
  for (const s of p.severities) {
    const bits = [
      s.aliases.length ? `aka ${s.aliases.join(', ')}` : '',
      s.targets?.acknowledge ? `ack ${showDuration(s.targets.acknowledge)}` : '',
      s.targets?.resolve ? `resolve ${showDuration(s.targets.resolve)}` : '',
      s.updates?.every ? `updates every ${showDuration(s.updates.every)}` : '',
      s.updates?.by_status ? `updates by status ${Object.entries(s.updates.by_status).map(([k, d]) => `${k} ${showDuration(d as Duration)}`).join(', ')}` : '',
      s.page ? `pages ${s.page}` : 'no paging',
      s.auto_escalate ? `pages ${s.auto_escalate.page} if unmitigated after ${showDuration(s.auto_escalate.after)}` : '',
      s.postmortem?.required ? `postmortem${s.postmortem.due ? ` due ${showDuration(s.postmortem.due)}` : ''}` : '',
      s.postmortem?.required_if_longer_than ? `postmortem if longer than ${showDuration(s.postmortem.required_if_longer_than)}` : '',
      s.public ? 'public' : '',
    ].filter(Boolean);
    lines.push(`  ${s.id}${s.name ? ` (${s.name})` : ''}: ${bits.join('; ')}`);
  }
  const support = Object.entries(p.support ?? {}).filter(([, v]) => v).map(([k, v]) => `${k} (${plural(v!.channels.length, 'channel')})`);
  if (support.length) lines.push(`Support: ${support.join(', ')}`);
  if (p.status_page) lines.push(`Status page: "${p.status_page.title}", public incidents after ${showDuration(p.status_page.publish_after)}`);
  if (p.templates && Object.keys(p.templates).length) lines.push(`Templates overridden: ${Object.keys(p.templates).join(', ')}`);
  return lines.join('\n');
}
