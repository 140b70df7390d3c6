// Who takes each incident role (issue #16). A runbook names people, not just roles: "the primary
// on-call manages the incident log", "the Communications Lead rotates monthly". `roles:` says
// where each role's holder comes from, so nobody has to type `/incident role` at 03:00.
//
//   roles: [commander, comms, scribe]                  names only: the declarer commands, the
//                                                      rest wait for someone to take them
//   roles:                                             a source per role
//     commander: schedule:primary                      whoever is on call at declaration
//     comms: [schedule:comms-lead, person:uma]         first source that yields someone
//     scribe: declarer                                 the person who declared (not an integration)
//     investigator: acknowledger                       whoever acknowledges first
//     observer: ~                                      taken by hand only
//
// Severities may override single roles (`severities[i].roles`) and name `required_roles`,
// nudged once when still empty `role_grace` after the declaration.
import { z } from 'zod';
import { isObj, show } from './scalars.js';

export type RoleSource =
  | { kind: 'schedule'; name: string }
  | { kind: 'person'; name: string }
  | { kind: 'declarer' }
  | { kind: 'acknowledger' };

/** Sources tried in order; an empty list means the role is only ever taken by hand. */
export type RoleRule = RoleSource[];
export type RoleRules = Record<string, RoleRule>;

/** The commander is always a role: topics, nudges and postmortem reminders name one. */
export const COMMANDER = 'commander';
const LEGACY: RoleRule = [{ kind: 'declarer' }];

export function parseRoleSource(v: unknown): { ok: RoleSource } | { error: string } {
  const s = typeof v === 'string' ? v.trim() : '';
  if (s === 'declarer' || s === 'acknowledger') return { ok: { kind: s } };
  const m = /^(schedule|person):(\S+)$/.exec(s);
  if (m) return { ok: { kind: m[1] as 'schedule' | 'person', name: m[2] } };
  return { error: `${show(v)} is not a role source (use schedule:NAME, person:NAME, declarer or acknowledger)` };
}

export function formatRoleSource(s: RoleSource): string {
  return s.kind === 'schedule' || s.kind === 'person' ? `${s.kind}:${s.name}` : s.kind;
}

const roleName = z.string().trim().min(1, 'expected a role name');

// A rule is one source, a fallback list, or nothing (`~`): taken by hand.
const ruleSchema = z.unknown().transform((v, ctx): RoleRule => {
  if (v === null || v === undefined) return [];
  const raw = Array.isArray(v) ? v : [v];
  const out: RoleSource[] = [];
  raw.forEach((item, i) => {
    const r = parseRoleSource(item);
    if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error, path: Array.isArray(v) ? [i] : [] });
    else out.push(r.ok);
  });
  // A source after acknowledger could never be reached: the role waits for the acknowledgement.
  const ack = out.findIndex((s) => s.kind === 'acknowledger');
  if (ack >= 0 && ack < out.length - 1) ctx.addIssue({ code: 'custom', message: 'acknowledger must be the last source: the role waits for the first acknowledgement' });
  return out;
});

const NamesSchema = z.array(roleName).min(1, 'needs at least one role');
const RulesSchema = z.record(roleName, ruleSchema);

/** Top-level `roles`: a list of names (as before sources existed) or a map of name → source(s). */
export const RolesSchema = z.unknown().transform((v, ctx): RoleRules => {
  if (!Array.isArray(v) && !isObj(v)) {
    ctx.addIssue({ code: 'custom', message: `expected a list of role names or a map of role: source, got ${show(v)}` });
    return z.NEVER;
  }
  const r = Array.isArray(v) ? NamesSchema.safeParse(v) : RulesSchema.safeParse(v);
  if (!r.success) {
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
    return z.NEVER;
  }
  const rules: RoleRules = {};
  if (Array.isArray(r.data)) for (const name of r.data) rules[name] = name === COMMANDER ? LEGACY : [];
  else Object.assign(rules, r.data);
  return Object.hasOwn(rules, COMMANDER) ? rules : { [COMMANDER]: LEGACY, ...rules };
});

export const DEFAULT_ROLES: RoleRules = { commander: LEGACY, comms: [], scribe: [] };

/** `severities[i].roles`: overrides for single roles; every name must be a top-level role. */
export const SeverityRolesSchema = z.record(roleName, ruleSchema);

// ---------------------------------------------------------------------------------------
// Cross references, reported with the rest of the policy's problems.

type Path = (string | number)[];
type Known = { people: Set<string>; schedules: Set<string> };

function checkRules(rules: unknown, path: Path, known: Known, report: (path: Path, message: string) => void, roles?: Set<string>): void {
  if (!isObj(rules)) return;
  for (const [role, rule] of Object.entries(rules)) {
    if (roles && !roles.has(role)) report([...path, role], `unknown role "${role}" (roles: ${[...roles].join(', ')})`);
    if (!Array.isArray(rule)) continue;
    rule.forEach((s: RoleSource, i) => {
      const at = rule.length > 1 ? [...path, role, i] : [...path, role];
      if (s?.kind === 'schedule' && !known.schedules.has(s.name)) report(at, `unknown schedule "${s.name}"`);
      if (s?.kind === 'person' && !known.people.has(s.name)) report(at, `unknown person "${s.name}"`);
    });
  }
}

/**
 * Role sources name schedules and people that exist; severity overrides and `required_roles`
 * name roles the policy has. `p` may be partly invalid (a failed field is missing).
 */
export function checkRoles(p: { roles?: unknown; severities?: unknown }, known: Known, report: (path: Path, message: string) => void): void {
  checkRules(p.roles, ['roles'], known, report);
  const roles = new Set(isObj(p.roles) ? Object.keys(p.roles) : Object.keys(DEFAULT_ROLES));
  if (!Array.isArray(p.severities)) return;
  p.severities.forEach((s: unknown, i) => {
    if (!isObj(s)) return;
    checkRules(s.roles, ['severities', i, 'roles'], known, report, roles);
    if (!Array.isArray(s.required_roles)) return;
    s.required_roles.forEach((r: unknown, j) => {
      if (typeof r === 'string' && !roles.has(r)) report(['severities', i, 'required_roles', j], `unknown role "${r}" (roles: ${[...roles].join(', ')})`);
    });
  });
}

/** "commander ← schedule:primary, scribe ← declarer, comms by hand" for `check-policy`. */
export function describeRules(rules: RoleRules): string {
  return Object.entries(rules)
    .map(([role, rule]) => (rule.length ? `${role} ← ${rule.map(formatRoleSource).join(' | ')}` : `${role} by hand`))
    .join(', ');
}
