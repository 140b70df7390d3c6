// Typed /incident options → the service's Command. Discord already checked types, required
// options and choices; what is left (a page needs exactly one target, durations) is checked here
// and answered like the text parser's errors: what was wrong, and the right form.
import type { ChatInputCommandInteraction } from 'discord.js';
import { parseDuration } from '../../domain/duration.js';
import { type Command, USAGE } from '../../domain/commands.js';
import type { Subcommand } from './commands.js';

/** The few reads the mapping needs, so it is testable without a live interaction. */
export type OptionReader = {
  subcommand: string;
  string(name: string): string | null;
  integer(name: string): number | null;
  user(name: string): string | null;
};

export type Mapped = { ok: true; command: Command } | { ok: false; error: string };

export function readerFor(i: ChatInputCommandInteraction): OptionReader {
  return {
    subcommand: i.options.getSubcommand(),
    string: (n) => i.options.getString(n),
    integer: (n) => i.options.getInteger(n),
    user: (n) => i.options.getUser(n)?.id ?? null,
  };
}

const fail = (error: string, kind: Command['kind']): Mapped => ({ ok: false, error: `${error}\nUsage: /incident ${USAGE[kind]}` });

export function commandFromOptions(o: OptionReader): Mapped {
  const incident = o.integer('incident') ?? undefined;
  const text = (n: string) => (o.string(n) ?? '').trim();
  const ok = (command: Command): Mapped => ({ ok: true, command: tidy(command) });
  switch (o.subcommand as Subcommand) {
    case 'declare':
      return ok({ kind: 'declare', title: text('title'), severity: o.string('severity') ?? undefined });
    case 'update': {
      const status = o.string('status') as 'investigating' | 'identified' | 'monitoring' | null;
      return ok({ kind: 'update', incident, status: status ?? undefined, text: text('text') });
    }
    case 'mitigate':
      return ok({ kind: 'mitigate', incident, text: text('text') });
    case 'severity':
      return ok({ kind: 'severity', incident, severity: text('severity') });
    case 'role': {
      const user = o.user('user');
      if (!user) return fail('Name who takes the role.', 'role');
      return ok({ kind: 'role', incident, role: text('role'), user: { id: user } });
    }
    case 'page': {
      const user = o.user('user');
      const schedule = o.string('schedule');
      const policy = o.string('policy');
      const given = [user, schedule, policy].filter(Boolean).length;
      if (given !== 1) return fail('Choose exactly one of user, schedule or policy to page.', 'page');
      if (user) return ok({ kind: 'page', incident, target: { type: 'user', user: { id: user } } });
      if (schedule) return ok({ kind: 'page', incident, target: { type: 'schedule', name: schedule } });
      return ok({ kind: 'page', incident, target: { type: 'policy', name: policy! } });
    }
    case 'ack':
      return ok({ kind: 'ack', incident });
    case 'resolve':
      return ok({ kind: 'resolve', incident, summary: text('summary') });
    case 'status':
      return ok({ kind: 'status', incident });
    case 'list':
      return ok({ kind: 'list' });
    case 'timeline':
      return ok({ kind: 'timeline', incident });
    case 'postmortem':
      return ok({ kind: 'postmortem', incident, done: o.string('done')?.trim() || undefined });
    case 'oncall':
      return ok({ kind: 'oncall', schedule: o.string('schedule') ?? undefined });
    case 'override': {
      const user = o.user('user');
      const duration = parseDuration(text('duration'));
      if (!user) return fail('Name who takes over.', 'override');
      if (!duration) return fail(`"${text('duration')}" is not a duration (e.g. 4h, 2d, 90m).`, 'override');
      return ok({ kind: 'override', schedule: text('schedule'), user: { id: user }, duration });
    }
    case 'stats': {
      const w = text('window');
      if (!w) return ok({ kind: 'stats' });
      const window = parseDuration(w);
      return window ? ok({ kind: 'stats', window }) : fail(`"${w}" is not a period (e.g. 30d).`, 'stats');
    }
    case 'automation':
      return ok({ kind: 'automation', on: o.string('state') === 'on' });
    case 'safe-mode':
      return ok({ kind: 'safe_mode', on: o.string('state') === 'on' });
    case 'help':
      return ok({ kind: 'help', topic: o.string('topic') ?? undefined });
    default:
      return { ok: false, error: `Unknown subcommand "${o.subcommand}". Try /incident help (the command list may need re-registering).` };
  }
}

/** Leaves out options that were not given, as the text parser does. */
function tidy(c: Command): Command {
  const o = c as Record<string, unknown>;
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return c;
}
