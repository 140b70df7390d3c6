import { validate as validCron } from 'node-cron';
import { checkIntegrations } from './integrations.js';
import { KNOWN_PLACEHOLDERS, placeholdersIn } from '../../domain/templates.js';
import { norm } from './names.js';
import { dayName, isObj, show } from './scalars.js';
import { checkRoles } from './roles.js';
import type { PolicyShape } from './schema.js';

// Cross references. The value may be partly invalid here (a failed field holds a zod
// marker or is missing), so every access checks its shape before trusting it.

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

const GROUP_PREFIXES = ['discord-role:', 'slack-usergroup:'];

const entries = (v: unknown): [string, unknown][] => (isObj(v) ? Object.entries(v) : []);
const items = (v: unknown): [number, unknown][] => (Array.isArray(v) ? v.map((x, i) => [i, x] as [number, unknown]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function crossCheck(p: PolicyShape, report: Report): void {
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

  // Klaxon sets a Slack user group's members to one schedule's on-call: two schedules naming the
  // same group would overwrite each other at every hand-off.
  const usergroups = new Map<string, string>();
  for (const [name, s] of entries(p.schedules)) {
    const group = isObj(s) ? str(s.slack_usergroup) : undefined;
    if (!group) continue;
    const first = usergroups.get(group);
    if (first) report(['schedules', name, 'slack_usergroup'], `"${group}" is already the user group of schedule "${first}"; each schedule needs its own`);
    else usergroups.set(group, name);
  }

  for (const [name, s] of entries(p.schedules)) {
    if (!isObj(s)) continue;
    for (const [i, m] of items(s.members)) {
      if (str(m) && !people.has(m as string)) report(['schedules', name, 'members', i], `unknown person "${m}"`);
    }
    const handoff = str(s.handoff);
    if (handoff && str(s.rotation)) {
      const monthly = s.rotation === 'monthly';
      const ok = s.rotation === 'weekly' ? /^(?:([a-z]+)\s+)?\d{1,2}:\d{2}$/i : monthly ? /^(\d{1,2})(?:st|nd|rd|th)?\s+\d{1,2}:\d{2}$/i : /^\d{1,2}:\d{2}$/;
      const m = ok.exec(handoff.trim());
      const clockOk = m && /^([01]?\d|2[0-3]):[0-5]\d$/.test(handoff.trim().split(/\s+/).pop() ?? '');
      // A monthly hand-off day must exist in every month: the 1st to the 28th.
      const dayOk = monthly ? !!m && Number(m[1]) >= 1 && Number(m[1]) <= 28 : !(m?.[1] && !dayName(m[1]));
      if (!m || !clockOk || !dayOk) {
        const form = s.rotation === 'weekly' ? '"mon 09:00"' : monthly ? '"1st 09:00", a day from 1 to 28' : '"09:00"';
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

  for (const [i, r] of items(p.reminders)) {
    if (!isObj(r)) continue;
    const cron = str(r.cron);
    if (cron && !validCron(cron)) report(['reminders', i, 'cron'], `${show(cron)} is not a cron expression (minute hour day month weekday, e.g. "0 9 * * 1")`);
    const channel = str(r.channel);
    if (channel && !channels.has(channel)) report(['reminders', i, 'channel'], `unknown channel "${channel}" (define it under channels)`);
  }

  for (const [name, a] of entries(p.actions)) {
    for (const [i, g] of items(isObj(a) ? a.permission : undefined)) {
      if (str(g) && !groups.has(g as string)) report(['actions', name, 'permission', i], `unknown group "${g}"`);
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
    if (isObj(s.updates) && s.updates.every !== undefined && s.updates.at !== undefined) {
      report(['severities', i, 'updates', 'at'], 'give either every (an interval) or at (fixed times of day), not both');
    }
    for (const [phase, entriesOf] of entries(s.checklists)) {
      for (const [j, e] of items(entriesOf)) {
        const action = isObj(e) ? str(e.action) : undefined;
        if (action && !(isObj(p.actions) && Object.hasOwn(p.actions, action))) {
          report(['severities', i, 'checklists', phase, j, 'action'], `unknown action "${action}" (define it under actions)`);
        }
        const use = isObj(e) ? str(e.use) : undefined;
        if (use && !(isObj(p.checklists) && Object.hasOwn(p.checklists, use))) {
          report(['severities', i, 'checklists', phase, j, 'use'], `unknown checklist "${use}" (define it under the top-level checklists)`);
        }
      }
    }
    for (const [name, tpl] of entries(s.templates)) checkPlaceholders(tpl, ['severities', i, 'templates', name], report);
    if (isObj(s.public_updates) && s.public !== true) {
      report(['severities', i, 'public_updates'], 'needs public: true (only a public severity is on the status page)');
    }
    const auto = isObj(s.auto_escalate) ? str(s.auto_escalate.page) : undefined;
    if (auto && !policies.has(auto)) report(['severities', i, 'auto_escalate', 'page'], `unknown escalation policy "${auto}"`);
    for (const [j, n] of items(s.notify)) {
      const to = str(n) ?? (isObj(n) ? str(n.to) : undefined);
      const path: Path = ['severities', i, 'notify', j, ...(str(n) ? [] : ['to'])];
      if (to && !channels.has(to) && !groups.has(to)) report(path, `unknown channel or group "${to}"`);
    }
  }

  const components = new Map<string, number>();
  for (const [i, c] of items(isObj(p.status_page) ? p.status_page.components : undefined)) {
    if (!str(c)) continue;
    const key = norm(c as string);
    if (components.has(key)) report(['status_page', 'components', i], `"${c}" is already status_page.components[${components.get(key)}]`);
    else components.set(key, i);
    if ((c as string).includes(',')) report(['status_page', 'components', i], `"${c}" has a comma; commas separate components in /incident components`);
  }

  for (const [name, list] of entries(p.checklists)) {
    for (const [j, e] of items(list)) {
      const action = isObj(e) ? str(e.action) : undefined;
      if (action && !(isObj(p.actions) && Object.hasOwn(p.actions, action))) report(['checklists', name, j, 'action'], `unknown action "${action}" (define it under actions)`);
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
    const [kind, ref] = (str(sup.notify) ?? '').split(/:(.*)/s);
    if (kind === 'schedule' && !schedules.has(ref)) report(['support', platform, 'notify'], `unknown schedule "${ref}"`);
    if (kind === 'person' && !people.has(ref)) report(['support', platform, 'notify'], `unknown person "${ref}"`);
    for (const key of ['in_hours', 'out_of_hours', 'hours_text'] as const) checkPlaceholders(sup[key], ['support', platform, key], report);
  }

  for (const [name, tpl] of entries(p.templates)) checkPlaceholders(tpl, ['templates', name], report);
  checkIntegrations(p.integrations, (s) => severityKeys.has(norm(s)), report);

  checkRoles(p, { people, schedules }, report);
}

function checkPlaceholders(tpl: unknown, path: Path, report: Report): void {
  if (!str(tpl)) return;
  for (const name of placeholdersIn(tpl as string)) {
    if (!KNOWN_PLACEHOLDERS.includes(name)) report(path, `unknown placeholder {${name}}`);
  }
}
