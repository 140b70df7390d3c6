// Discord refuses an application command whose names, descriptions and choice values add up to
// more than 8,000 characters. /incident's choices come from the policy (every severity's label and
// description, every role, schedule and escalation policy, on each subcommand that offers them), so
// a large but valid policy can pass that limit: check-policy and register-discord-commands say so
// first, and say which lists to shorten.
import type { Policy } from '../../config/policy/index.js';
import { incidentCommand } from './commands.js';

export const DISCORD_COMMAND_LIMIT = 8000;

type Part = { name?: string; description?: string; value?: unknown; options?: Part[]; choices?: Part[] };

const own = (p: Part) => (p.name?.length ?? 0) + (p.description?.length ?? 0) + (p.value === undefined ? 0 : String(p.value).length);

/** Characters Discord counts for a command: every name, description and value, all the way down. */
export function commandChars(p: Part): number {
  return own(p) + (p.options ?? []).reduce((n, o) => n + commandChars(o), 0) + (p.choices ?? []).reduce((n, c) => n + own(c), 0);
}

// Which part of the policy each choice list comes from, in the words of the policy file.
const SOURCE: Record<string, string> = {
  severity: 'severities (each choice is the label and the description)',
  schedule: 'schedule names',
  policy: 'escalation policy names',
  role: 'roles',
};

/** Undefined when /incident fits; otherwise one line saying how far over it is and what to shorten. */
export function commandSizeProblem(policy: Policy): string | undefined {
  const command = incidentCommand(policy) as Part;
  const total = commandChars(command);
  if (total <= DISCORD_COMMAND_LIMIT) return undefined;
  const byList = new Map<string, number>();
  for (const sub of command.options ?? []) {
    for (const o of sub.options ?? []) {
      if (!o.choices?.length) continue;
      const key = o.name ?? '';
      byList.set(key, (byList.get(key) ?? 0) + o.choices.reduce((n, c) => n + own(c), 0));
    }
  }
  const biggest = [...byList.entries()]
    .filter(([k]) => Object.hasOwn(SOURCE, k))
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${SOURCE[k] ?? k} ${n.toLocaleString('en')}`)
    .join(', ');
  return `Discord's /incident would be ${total.toLocaleString('en')} characters; Discord allows ${DISCORD_COMMAND_LIMIT.toLocaleString('en')} per command. Shorten ${(total - DISCORD_COMMAND_LIMIT).toLocaleString('en')} or more from the lists the policy supplies, largest first: ${biggest}.`;
}
