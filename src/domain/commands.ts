// The one table of chat commands. Each entry declares a command once: the words people type,
// its usage line and help summary, whether the policy's `permissions` guard it, its text grammar
// and its Discord options. The parser, `help`, the permission check, the policy's permission
// keys and Discord's /incident definition (manifests/discord-commands.json) are all read from it.
//
// Adding a command: add its shape to `Command`, one entry to COMMANDS, and its case in
// Service.apply (service/service.ts); the type checker points at anything else missing.
//
// The parser is pure and total: any string yields a ParseResult (never an exception), so
// adapters can answer errors with "what was wrong" plus the right form without guarding it.
import { Args, isMention, unwrapLink, need, noMore, onOff, parseUserRef, severityPatterns, STATUSES, takeIncident, tokenize, UsageError, type UserRef } from './command-grammar.js';
import { durationProblem, parseDuration, tooLong, type Duration } from './duration.js';
import { labelsFromList, takeLabels, type Labels } from './incident-labels.js';

export { parseUserRef, unwrapLink, type UserRef } from './command-grammar.js';

export type Command =
  | { kind: 'declare'; severity?: string; title: string; labels?: Labels }
  | { kind: 'update'; incident?: number; status?: 'investigating' | 'identified' | 'monitoring'; text: string }
  | { kind: 'mitigate'; incident?: number; text: string }
  | { kind: 'severity'; incident?: number; severity: string }
  | { kind: 'role'; incident?: number; role: string; user: UserRef }
  | { kind: 'roles'; incident?: number }
  | {
      kind: 'page';
      incident?: number;
      target: { type: 'user'; user: UserRef } | { type: 'schedule' | 'policy' | 'any'; name: string };
    }
  | { kind: 'ack'; incident?: number }
  | { kind: 'resolve'; incident?: number; summary: string; cause?: string }
  | { kind: 'eta'; incident?: number; when: string }
  | { kind: 'cause'; incident?: number; text: string }
  | { kind: 'check'; incident?: number; item: number }
  | { kind: 'action'; incident?: number; name: string; confirm: boolean }
  | { kind: 'public'; incident?: number; text: string }
  | { kind: 'components'; incident?: number; components: string[] }
  | { kind: 'status'; incident?: number }
  | { kind: 'list' }
  | { kind: 'timeline'; incident?: number }
  | { kind: 'postmortem'; incident?: number; done?: string }
  | { kind: 'oncall'; schedule?: string }
  | { kind: 'override'; schedule: string; user: UserRef; duration: Duration }
  | { kind: 'stats'; window?: Duration }
  | { kind: 'automation'; on: boolean }
  | { kind: 'safe_mode'; on: boolean }
  | { kind: 'help'; topic?: string };
export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

type Kind = Command['kind'];
type Of<K extends Kind> = Extract<Command, { kind: K }>;

/**
 * A Discord option, platform-neutral (chat/discord/commands.ts renders it). `choices` are fixed
 * values, or a list the policy supplies; past Discord's 25 the option stays free text.
 */
export type OptionSpec = {
  type: 'string' | 'integer' | 'user';
  name: string;
  description: string;
  required?: boolean;
  choices?: readonly string[] | 'severities' | 'schedules' | 'policies' | 'roles' | 'commands';
  maxLength?: number;
  minValue?: number;
};

/** The few reads that turn typed options back into a Command, so the mapping is testable without Discord. */
export type OptionReader = {
  subcommand: string;
  string(name: string): string | null;
  integer(name: string): number | null;
  user(name: string): string | null;
};
type Options = OptionReader & { /** trimmed, '' when absent */ text(name: string): string; incident: number | undefined };

export type CommandSpec<K extends Kind> = {
  /** What people type; the first is the Discord subcommand's name. */
  words: readonly string[];
  usage: string;
  /** One line in `help` (and, capitalised, the Discord description unless `discord.description`). */
  summary: string;
  /** true: `permissions.<name>` in the policy says who may run it (SPEC §7). */
  permission?: boolean;
  /** The arguments after the command word; throw UsageError for bad ones. */
  parse(a: Args, known: { severities: readonly string[] }): Of<K>;
  discord: {
    description?: string;
    options: readonly OptionSpec[];
    /** Discord already checked types, required options and choices; a string is what is still wrong. */
    read(o: Options): Of<K> | string;
  };
};

const INCIDENT: OptionSpec = { type: 'integer', name: 'incident', description: 'Incident number (leave out inside its thread)', required: false, minValue: 1 };
const ON_OFF: OptionSpec = { type: 'string', name: 'state', description: 'on or off', required: true, choices: ['on', 'off'] };
const severity = (required: boolean): OptionSpec => ({ type: 'string', name: 'severity', description: 'Severity', required, choices: 'severities' });
const schedule = (required: boolean): OptionSpec => ({ type: 'string', name: 'schedule', description: 'On-call schedule', required, choices: 'schedules' });
const text = (name: string, description: string, required = false): OptionSpec => ({ type: 'string', name, description, required });
const user = (name: string, description: string, required = false): OptionSpec => ({ type: 'user', name, description, required });

/** `ack [#N]`, `status [#N]`, `timeline [#N]`, `roles [#N]`: nothing but the incident. */
function incidentOnly<K extends 'ack' | 'status' | 'timeline' | 'roles'>(kind: K) {
  return {
    parse: (a: Args) => {
      const incident = takeIncident(a, kind, 1);
      noMore(a, kind);
      return { kind, incident } as Of<K>;
    },
    read: (o: Options) => ({ kind, incident: o.incident }) as Of<K>,
  };
}

export const COMMANDS = {
  declare: {
    words: ['declare'],
    usage: 'declare [sev] <title> [--label key=value]…',
    summary: 'open a new incident',
    permission: true,
    parse(all, { severities }) {
      // "--label kind=security" anywhere in the text: taken out, the rest is severity and title.
      const taken = takeLabels(all.rest());
      if ('error' in taken) throw new UsageError(taken.error, 'declare');
      const labels = Object.keys(taken.labels).length ? { labels: taken.labels } : {};
      const a = new Args(taken.rest, tokenize(taken.rest));
      for (const words of severityPatterns(severities)) {
        if (a.left < words.length) continue;
        const typed = words.map((_, i) => a.peek(i) ?? '');
        if (typed.every((t, i) => t.toLowerCase() === words[i])) {
          for (const _ of words) a.next();
          const title = need(a.rest(), 'title', 'declare');
          return { kind: 'declare', severity: typed.join(' '), title, ...labels };
        }
      }
      return { kind: 'declare', title: need(a.rest(), 'title', 'declare'), ...labels };
    },
    discord: {
      options: [{ ...text('title', 'What is wrong, in a few words', true), maxLength: 200 }, severity(false), text('labels', 'Labels, e.g. kind=security, team=payments')],
      read(o) {
        const labels = o.text('labels') ? labelsFromList(o.text('labels')) : {};
        if (typeof labels === 'string') return `${labels}.`;
        return { kind: 'declare', title: o.text('title'), severity: o.string('severity') ?? undefined, ...(Object.keys(labels).length ? { labels } : {}) };
      },
    },
  },
  update: {
    words: ['update'],
    usage: 'update [#N] [investigating|identified|monitoring] <text>',
    summary: 'post a status update',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'update');
      const word = a.peek()?.toLowerCase().replace(/:$/, '');
      const status = STATUSES.find((s) => s === word);
      if (status) a.next();
      const text = need(a.rest(), 'update text', 'update');
      return { kind: 'update', incident, ...(status ? { status } : {}), text };
    },
    discord: {
      options: [text('text', 'The update', true), { ...text('status', 'New status'), choices: STATUSES }, INCIDENT],
      read: (o) => ({ kind: 'update', incident: o.incident, status: (o.string('status') as Of<'update'>['status'] | null) ?? undefined, text: o.text('text') }),
    },
  },
  mitigate: {
    words: ['mitigate'],
    usage: 'mitigate [#N] <text>',
    summary: 'mark the incident mitigated (update monitoring)',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'mitigate');
      return { kind: 'mitigate', incident, text: need(a.rest(), 'what was done', 'mitigate') };
    },
    discord: {
      options: [text('text', 'What was done', true), INCIDENT],
      read: (o) => ({ kind: 'mitigate', incident: o.incident, text: o.text('text') }),
    },
  },
  severity: {
    words: ['severity'],
    usage: 'severity [#N] <sev>',
    summary: 'change the severity',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'severity', 2);
      return { kind: 'severity', incident, severity: need(a.rest(), 'severity', 'severity') };
    },
    discord: {
      options: [severity(true), INCIDENT],
      read: (o) => ({ kind: 'severity', incident: o.incident, severity: o.text('severity') }),
    },
  },
  role: {
    words: ['role'],
    usage: 'role [#N] <role> <@user>',
    summary: 'hand a role over (commander, comms, scribe…)',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'role', 3);
      if (a.left < 2) throw new UsageError('missing role or user', 'role');
      // Accept "role @alice commander" as well: a mention is never a role name.
      let [role, who] = [a.next()!, a.next()!];
      noMore(a, 'role');
      if (isMention(role) && !isMention(who)) [role, who] = [who, role];
      const user = parseUserRef(who);
      if (!user) throw new UsageError(`"${who}" is not a user (use @name)`, 'role');
      return { kind: 'role', incident, role, user };
    },
    discord: {
      options: [{ type: 'string', name: 'role', description: 'Role', required: true, choices: 'roles' }, user('user', 'Who takes the role', true), INCIDENT],
      read(o) {
        const user = o.user('user');
        if (!user) return 'Name who takes the role.';
        return { kind: 'role', incident: o.incident, role: o.text('role'), user: { id: user } };
      },
    },
  },
  roles: {
    words: ['roles'],
    usage: 'roles [#N]',
    summary: 'who holds each role, since when and why',
    parse: incidentOnly('roles').parse,
    discord: { options: [INCIDENT], read: incidentOnly('roles').read },
  },
  page: {
    words: ['page'],
    usage: 'page [#N] <@user|schedule|policy>',
    summary: 'page a person, schedule or escalation policy',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'page', 2);
      const w = need(a.next() ?? '', 'who to page', 'page');
      noMore(a, 'page');
      const prefixed = /^(schedule|policy|person|user):(.*)$/i.exec(w);
      if (prefixed) {
        const type = prefixed[1].toLowerCase();
        const name = need(prefixed[2], `${type} name`, 'page');
        if (type === 'schedule' || type === 'policy') return { kind: 'page', incident, target: { type, name } };
        return { kind: 'page', incident, target: { type: 'user', user: { name } } };
      }
      const mention = parseUserRef(w, false);
      if (mention) return { kind: 'page', incident, target: { type: 'user', user: mention } };
      if (!parseUserRef(w)) throw new UsageError(`cannot page "${w}"`, 'page');
      // A bare word may be a schedule, a policy or a person; the service knows which exist.
      return { kind: 'page', incident, target: { type: 'any', name: w } };
    },
    discord: {
      description: 'Page a person, a schedule or an escalation policy',
      options: [user('user', 'Person to page'), schedule(false), { ...text('policy', 'Escalation policy to page'), choices: 'policies' }, INCIDENT],
      read(o) {
        const [user, schedule, policy] = [o.user('user'), o.string('schedule'), o.string('policy')];
        if ([user, schedule, policy].filter(Boolean).length !== 1) return 'Choose exactly one of user, schedule or policy to page.';
        if (user) return { kind: 'page', incident: o.incident, target: { type: 'user', user: { id: user } } };
        if (schedule) return { kind: 'page', incident: o.incident, target: { type: 'schedule', name: schedule } };
        return { kind: 'page', incident: o.incident, target: { type: 'policy', name: policy! } };
      },
    },
  },
  ack: {
    words: ['ack', 'acknowledge'],
    usage: 'ack [#N]',
    summary: 'acknowledge your open pages',
    permission: true,
    parse: incidentOnly('ack').parse,
    discord: { options: [INCIDENT], read: incidentOnly('ack').read },
  },
  resolve: {
    words: ['resolve'],
    usage: 'resolve [#N] <summary>',
    summary: 'resolve the incident',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'resolve');
      // "resolve Rolled back --cause a bad config push": the root cause rides along.
      const [summary, cause] = a.rest().split(/(?:^|\s+)--cause(?:\s+|$)/, 2);
      if (cause !== undefined && !cause.trim()) throw new UsageError('--cause needs the root cause after it', 'resolve');
      return { kind: 'resolve', incident, summary: need(summary.trim(), 'summary', 'resolve'), ...(cause ? { cause: cause.trim() } : {}) };
    },
    discord: {
      options: [text('summary', 'What fixed it', true), text('cause', 'Root cause, if known'), INCIDENT],
      read: (o) => ({ kind: 'resolve', incident: o.incident, summary: o.text('summary'), ...(o.text('cause') ? { cause: o.text('cause') } : {}) }),
    },
  },
  eta: {
    words: ['eta'],
    usage: 'eta [#N] <when: 15:30, 2h, end of business day, or words>',
    summary: 'say when a fix is expected ({eta} in updates)',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'eta');
      return { kind: 'eta', incident, when: need(a.rest(), 'when', 'eta') };
    },
    discord: {
      options: [text('when', 'A time (15:30), a duration (2h) or words', true), INCIDENT],
      read: (o) => ({ kind: 'eta', incident: o.incident, when: o.text('when') }),
    },
  },
  check: {
    words: ['check', 'tick'],
    usage: 'check [#N] <item number>',
    summary: 'tick an item of the incident checklist',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'check');
      const word = need(a.next() ?? '', 'item number', 'check');
      if (!/^\d{1,3}$/.test(word) || Number(word) < 1) throw new UsageError(`"${word}" is not an item number (the number shown before it, e.g. 2)`, 'check');
      noMore(a, 'check');
      return { kind: 'check', incident, item: Number(word) };
    },
    discord: {
      options: [{ type: 'integer', name: 'item', description: 'Item number, as shown in the checklist', required: true, minValue: 1 }, INCIDENT],
      read: (o) => ({ kind: 'check', incident: o.incident, item: o.integer('item') ?? 0 }),
    },
  },
  action: {
    words: ['action'],
    usage: 'action [#N] <name> [confirm]',
    summary: "run one of the policy's actions (an HTTP call into your own systems)",
    parse(a) {
      const incident = takeIncident(a, 'action');
      const name = need(a.next() ?? '', 'action name', 'action');
      const rest = a.next();
      if (rest !== undefined && rest.toLowerCase() !== 'confirm') throw new UsageError(`"${rest}" after the action name: only "confirm" goes there`, 'action');
      noMore(a, 'action');
      return { kind: 'action', incident, name, confirm: rest !== undefined };
    },
    discord: {
      options: [text('name', 'Action name, as in the policy', true), { ...text('confirm', 'Type confirm to run it'), choices: ['confirm'] }, INCIDENT],
      read: (o) => ({ kind: 'action', incident: o.incident, name: o.text('name'), confirm: o.text('confirm') === 'confirm' }),
    },
  },
  cause: {
    words: ['cause', 'root-cause'],
    usage: 'cause [#N] <root cause>',
    summary: 'record the root cause ({root_cause}, postmortem)',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'cause');
      return { kind: 'cause', incident, text: need(a.rest(), 'root cause', 'cause') };
    },
    discord: {
      options: [text('text', 'The root cause', true), INCIDENT],
      read: (o) => ({ kind: 'cause', incident: o.incident, text: o.text('text') }),
    },
  },
  public: {
    words: ['public'],
    usage: 'public [#N] <what customers read on the status page>',
    summary: 'post a customer-facing update on the status page',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'public');
      return { kind: 'public', incident, text: need(a.rest(), 'the public update text', 'public') };
    },
    discord: {
      options: [text('text', 'What customers read on the status page', true), INCIDENT],
      read: (o) => ({ kind: 'public', incident: o.incident, text: o.text('text') }),
    },
  },
  components: {
    words: ['components', 'affects'],
    usage: 'components [#N] <component>[, <component>…] | none',
    summary: 'name the status page components the incident affects',
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'components');
      const components = componentList(need(a.rest(), 'components (comma-separated, or none)', 'components'));
      if (!components) throw new UsageError('no component named (comma-separated names, or none)', 'components');
      return { kind: 'components', incident, components };
    },
    discord: {
      options: [text('components', 'Comma-separated, as on the status page, or none', true), INCIDENT],
      read(o) {
        const components = componentList(o.text('components'));
        return components ? { kind: 'components', incident: o.incident, components } : 'Name the components (comma-separated), or none.';
      },
    },
  },
  status: {
    words: ['status'],
    usage: 'status [#N]',
    summary: 'show an incident',
    parse: incidentOnly('status').parse,
    discord: { options: [INCIDENT], read: incidentOnly('status').read },
  },
  list: {
    words: ['list'],
    usage: 'list',
    summary: 'list open incidents',
    parse(a) {
      noMore(a, 'list');
      return { kind: 'list' };
    },
    discord: { description: 'List open and recent incidents', options: [], read: () => ({ kind: 'list' }) },
  },
  timeline: {
    words: ['timeline'],
    usage: 'timeline [#N]',
    summary: 'show the timeline',
    parse: incidentOnly('timeline').parse,
    discord: { options: [INCIDENT], read: incidentOnly('timeline').read },
  },
  postmortem: {
    words: ['postmortem', 'post-mortem'],
    usage: 'postmortem [#N] [done <url>]',
    summary: 'post the postmortem draft, or mark it done',
    // Posting the draft (and opening one) changes what the team owes, as `done` does.
    permission: true,
    parse(a) {
      const incident = takeIncident(a, 'postmortem', 1);
      if (a.left === 0) return { kind: 'postmortem', incident };
      if (a.next()!.toLowerCase() !== 'done') throw new UsageError('expected "done <url>"', 'postmortem');
      const wrapped = unwrapLink(a.rest());
      if (wrapped) return { kind: 'postmortem', incident, done: wrapped };
      a.back();
      const url = need(a.next() ?? '', 'postmortem link after "done"', 'postmortem');
      noMore(a, 'postmortem');
      return { kind: 'postmortem', incident, done: url };
    },
    discord: {
      options: [text('done', 'URL of the finished postmortem'), INCIDENT],
      read: (o) => ({ kind: 'postmortem', incident: o.incident, done: o.text('done') || undefined }),
    },
  },
  oncall: {
    words: ['oncall', 'on-call'],
    usage: 'oncall [schedule]',
    summary: 'who is on call now, and the next hand-off',
    parse(a) {
      const schedule = a.next()?.replace(/^schedule:/i, '');
      noMore(a, 'oncall');
      return schedule ? { kind: 'oncall', schedule } : { kind: 'oncall' };
    },
    discord: { options: [schedule(false)], read: (o) => ({ kind: 'oncall', schedule: o.string('schedule') ?? undefined }) },
  },
  override: {
    words: ['override'],
    usage: 'override <schedule> <@user> <duration>',
    summary: 'take over a rota for a while',
    permission: true,
    parse(a) {
      if (a.left < 3) throw new UsageError('missing schedule, user or duration', 'override');
      let [schedule, who] = [a.next()!, a.next()!];
      if (isMention(schedule) && !isMention(who)) [schedule, who] = [who, schedule];
      schedule = schedule.replace(/^schedule:/i, '');
      const user = parseUserRef(who);
      if (!user) throw new UsageError(`"${who}" is not a user (use @name)`, 'override');
      const text = a.rest();
      const duration = parseDuration(text);
      if (!duration) throw new UsageError(tooLong(text) ? durationProblem(text)! : `bad duration "${text}" (e.g. 2h, 1d, 90m)`, 'override');
      return { kind: 'override', schedule: need(schedule, 'schedule', 'override'), user, duration };
    },
    discord: {
      options: [schedule(true), user('user', 'Who takes over', true), text('duration', 'For how long, e.g. 4h or 2d', true)],
      read(o) {
        const user = o.user('user');
        const duration = parseDuration(o.text('duration'));
        if (!user) return 'Name who takes over.';
        if (!duration) return `${durationProblem(o.text('duration'))} (e.g. 4h, 2d, 90m).`;
        return { kind: 'override', schedule: o.text('schedule'), user: { id: user }, duration };
      },
    },
  },
  stats: {
    words: ['stats'],
    usage: 'stats [window, e.g. 30d]',
    summary: 'MTTA, MTTR, target breaches, postmortems',
    parse(a) {
      const text = a.rest();
      if (!text) return { kind: 'stats' };
      const window = parseDuration(text);
      if (!window) throw new UsageError(tooLong(text) ? `bad window: ${durationProblem(text)}` : `bad window "${text}" (e.g. 30d, 1w)`, 'stats');
      return { kind: 'stats', window };
    },
    discord: {
      options: [text('window', 'Period, e.g. 30d')],
      read(o) {
        const w = o.text('window');
        if (!w) return { kind: 'stats' };
        const window = parseDuration(w);
        return window ? { kind: 'stats', window } : tooLong(w) ? `${durationProblem(w)}.` : `"${w}" is not a period (e.g. 30d).`;
      },
    },
  },
  automation: {
    words: ['automation'],
    usage: 'automation on|off',
    summary: 'turn support auto-replies on or off (pages always go out)',
    permission: true,
    parse: (a) => ({ kind: 'automation', on: onOff(a, 'automation') }),
    discord: { options: [ON_OFF], read: (o) => ({ kind: 'automation', on: o.string('state') === 'on' }) },
  },
  safe_mode: {
    words: ['safe-mode', 'safe_mode'],
    usage: 'safe-mode on|off',
    summary: 'stop automatic posts outside incident channels',
    permission: true,
    parse: (a) => ({ kind: 'safe_mode', on: onOff(a, 'safe_mode') }),
    discord: {
      description: 'Stop automatic posts outside incident threads',
      options: [ON_OFF],
      read: (o) => ({ kind: 'safe_mode', on: o.string('state') === 'on' }),
    },
  },
  help: {
    words: ['help'],
    usage: 'help [command]',
    summary: 'this help',
    parse(a) {
      const topic = a.rest().toLowerCase();
      return topic ? { kind: 'help', topic } : { kind: 'help' };
    },
    discord: {
      description: 'Usage',
      options: [{ ...text('topic', 'Command'), choices: 'commands' }],
      read: (o) => ({ kind: 'help', topic: o.string('topic') ?? undefined }),
    },
  },
} satisfies { [K in Kind]: CommandSpec<K> };

/** "API, Dashboard" → ["API", "Dashboard"]; "none" clears. Names may have spaces, so commas separate. */
function componentList(text: string): string[] | null {
  if (/^none$/i.test(text.trim())) return [];
  const names = text.split(',').map((c) => c.trim()).filter(Boolean);
  return names.length ? names : null;
}

/** Every command, in table order (help and Discord list them in this order). */
export const KINDS = Object.keys(COMMANDS) as Kind[];

/** Commands the policy's `permissions` may restrict; also the keys `permissions` accepts. */
export type Action = { [K in Kind]: (typeof COMMANDS)[K] extends { permission: true } ? K : never }[Kind];
export const ACTIONS = KINDS.filter((k) => (COMMANDS[k] as CommandSpec<Kind>).permission) as Action[];
export const isGuarded = (kind: Kind): kind is Action => (ACTIONS as Kind[]).includes(kind);

/** Commands that only read: answering one again changes nothing, so a replayed delivery of it is simply answered again. */
const READS: readonly Kind[] = ['status', 'list', 'timeline', 'roles', 'oncall', 'stats', 'help'];
export const onlyReads = (kind: Kind): boolean => READS.includes(kind);

export const USAGE = Object.fromEntries(KINDS.map((k) => [k, COMMANDS[k].usage])) as Record<Kind, string>;

const ALL_USAGE = KINDS.map((k) => USAGE[k]).join('\n');

export function helpText(): string {
  const width = Math.max(...KINDS.map((k) => USAGE[k].length));
  const lines = KINDS.map((k) => `  ${USAGE[k].padEnd(width)}  ${COMMANDS[k].summary}`);
  return ['Klaxon commands (`#N` names an incident; inside its channel you may leave it out):', ...lines].join('\n');
}

// Command words, including the spellings people actually type.
const WORDS = new Map<string, Kind>(KINDS.flatMap((k) => COMMANDS[k].words.map((w) => [w, k] as const)));

/** Drop `incident: undefined` so results compare cleanly and serialise without noise. */
function tidy(c: Command): Command {
  const o = c as Record<string, unknown>;
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return c;
}

export function parseCommand(text: string, opts: { severities: string[] }): ParseResult {
  try {
    const source = (typeof text === 'string' ? text : '').replace(/^\s*\/incident(?=\s|$)/iu, '');
    const tokens = tokenize(source);
    if (tokens.length === 0) return { ok: false, error: 'no command given', usage: ALL_USAGE };
    const kind = WORDS.get(tokens[0].text.toLowerCase());
    if (!kind) return { ok: false, error: `unknown command "${tokens[0].text}"`, usage: ALL_USAGE };
    const severities = Array.isArray(opts?.severities) ? opts.severities : [];
    const spec = COMMANDS[kind] as CommandSpec<Kind>;
    return { ok: true, command: tidy(spec.parse(new Args(source, tokens, 1), { severities })) };
  } catch (e) {
    if (e instanceof UsageError) return { ok: false, error: e.message, usage: USAGE[e.kind as Kind] ?? ALL_USAGE };
    // Defensive: the grammar must never take an adapter down.
    return { ok: false, error: `could not read that command (${String(e)})`, usage: ALL_USAGE };
  }
}

/** Discord's typed options back to a Command, with the same "what was wrong, and the right form" as text. */
export function commandFromOptions(o: OptionReader): { ok: true; command: Command } | { ok: false; error: string } {
  const kind = KINDS.find((k) => COMMANDS[k].words[0] === o.subcommand);
  if (!kind) return { ok: false, error: `Unknown subcommand "${o.subcommand}". Try /incident help (the command list may need re-registering).` };
  const spec = COMMANDS[kind] as CommandSpec<Kind>;
  const read = spec.discord.read({
    subcommand: o.subcommand,
    string: (n) => o.string(n),
    integer: (n) => o.integer(n),
    user: (n) => o.user(n),
    text: (n) => (o.string(n) ?? '').trim(),
    incident: o.integer('incident') ?? undefined,
  });
  if (typeof read === 'string') return { ok: false, error: `${read}\nUsage: /incident ${spec.usage}` };
  return { ok: true, command: tidy(read) };
}
