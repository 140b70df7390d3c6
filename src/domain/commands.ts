// The chat command grammar shared by Slack, Discord and the console. Pure and total: any
// string yields a ParseResult (never an exception), so adapters can answer errors with
// "what was wrong" plus the right form without guarding the parser.
import { parseDuration, type Duration } from './duration.js';

export type UserRef = { id: string } | { name: string };
export type Command =
  | { kind: 'declare'; severity?: string; title: string }
  | { kind: 'update'; incident?: number; status?: 'investigating' | 'identified' | 'monitoring'; text: string }
  | { kind: 'mitigate'; incident?: number; text: string }
  | { kind: 'severity'; incident?: number; severity: string }
  | { kind: 'role'; incident?: number; role: string; user: UserRef }
  | {
      kind: 'page';
      incident?: number;
      target: { type: 'user'; user: UserRef } | { type: 'schedule' | 'policy' | 'any'; name: string };
    }
  | { kind: 'ack'; incident?: number }
  | { kind: 'resolve'; incident?: number; summary: string }
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

export const USAGE: Record<Kind, string> = {
  declare: 'declare [sev] <title>',
  update: 'update [#N] [investigating|identified|monitoring] <text>',
  mitigate: 'mitigate [#N] <text>',
  severity: 'severity [#N] <sev>',
  role: 'role [#N] <role> <@user>',
  page: 'page [#N] <@user|schedule|policy>',
  ack: 'ack [#N]',
  resolve: 'resolve [#N] <summary>',
  status: 'status [#N]',
  list: 'list',
  timeline: 'timeline [#N]',
  postmortem: 'postmortem [#N] [done <url>]',
  oncall: 'oncall [schedule]',
  override: 'override <schedule> <@user> <duration>',
  stats: 'stats [window, e.g. 30d]',
  automation: 'automation on|off',
  safe_mode: 'safe-mode on|off',
  help: 'help [command]',
};

const SUMMARY: Record<Kind, string> = {
  declare: 'open a new incident',
  update: 'post a status update',
  mitigate: 'mark the incident mitigated (update monitoring)',
  severity: 'change the severity',
  role: 'assign a role (commander, comms, scribe…)',
  page: 'page a person, schedule or escalation policy',
  ack: 'acknowledge your open pages',
  resolve: 'resolve the incident',
  status: 'show an incident',
  list: 'list open incidents',
  timeline: 'show the timeline',
  postmortem: 'post the postmortem draft, or mark it done',
  oncall: 'who is on call now, and the next hand-off',
  override: 'take over a rota for a while',
  stats: 'MTTA, MTTR, target breaches, postmortems',
  automation: 'turn auto-replies and automatic paging on or off',
  safe_mode: 'stop automatic posts outside incident channels',
  help: 'this help',
};

const ALL_USAGE = (Object.keys(USAGE) as Kind[]).map((k) => USAGE[k]).join('\n');

export function helpText(): string {
  const width = Math.max(...Object.values(USAGE).map((u) => u.length));
  const lines = (Object.keys(USAGE) as Kind[]).map((k) => `  ${USAGE[k].padEnd(width)}  ${SUMMARY[k]}`);
  return ['Klaxon commands (`#N` names an incident; inside its channel you may leave it out):', ...lines].join('\n');
}

// Command words, including the spellings people actually type.
const WORDS: Record<string, Kind> = {
  declare: 'declare', update: 'update', mitigate: 'mitigate', severity: 'severity', role: 'role', page: 'page',
  ack: 'ack', acknowledge: 'ack', resolve: 'resolve', status: 'status', list: 'list', timeline: 'timeline',
  postmortem: 'postmortem', 'post-mortem': 'postmortem', oncall: 'oncall', 'on-call': 'oncall',
  override: 'override', stats: 'stats', automation: 'automation', 'safe-mode': 'safe_mode', safe_mode: 'safe_mode',
  help: 'help',
};

const STATUSES = ['investigating', 'identified', 'monitoring'] as const;

/** A whitespace-separated word and where it starts, so free text can be kept exactly as typed. */
type Token = { text: string; at: number };

class Args {
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private pos = 0,
  ) {}
  private mark = 0;
  get left(): number {
    return this.tokens.length - this.pos;
  }
  peek(offset = 0): string | undefined {
    return this.tokens[this.pos + offset]?.text;
  }
  next(): string | undefined {
    return this.tokens[this.pos++]?.text;
  }
  /** Undo the last rest(): back to the word it started at. */
  back(): void {
    this.pos = this.mark;
  }
  /** Everything from the current word to the end, original spacing and newlines kept. */
  rest(): string {
    this.mark = this.pos;
    const t = this.tokens[this.pos];
    this.pos = this.tokens.length;
    return t ? this.source.slice(t.at).trim() : '';
  }
}

/** Thrown inside the parser only; parseCommand turns it into a ParseResult. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly kind: Kind,
  ) {
    super(message);
  }
}

function tokenize(source: string): Token[] {
  const out: Token[] = [];
  for (const m of source.matchAll(/\S+/gu)) out.push({ text: m[0], at: m.index ?? 0 });
  return out;
}

/** "<@U123>", "<@!123>", "<@123>", "<@U123|alice>" -> {id}; "@alice" -> {name}; bare words only if allowed. */
export function parseUserRef(word: string, allowBare = true): UserRef | null {
  const mention = /^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (mention) return { id: mention[1] };
  const at = /^@([^\s@<>#]+)$/.exec(word);
  if (at) return { name: at[1] };
  if (allowBare && /^[^\s@<>#:]+$/.test(word)) return { name: word };
  return null;
}

const isMention = (w: string | undefined): boolean => w !== undefined && parseUserRef(w, false) !== null;

/** Optional leading "#N". A "#…" that is not a positive number is an error, not text. */
function takeIncident(a: Args, kind: Kind): number | undefined {
  const w = a.peek();
  if (w === undefined || !w.startsWith('#')) return undefined;
  a.next();
  if (!/^#\d+$/.test(w) || !Number.isSafeInteger(Number(w.slice(1))) || Number(w.slice(1)) < 1) {
    throw new UsageError(`bad incident "${w}": use #N, e.g. #12`, kind);
  }
  return Number(w.slice(1));
}

function noMore(a: Args, kind: Kind): void {
  const w = a.peek();
  if (w === undefined) return;
  if (w.startsWith('#')) throw new UsageError(`bad incident "${w}": put #N straight after "${kind}"`, kind);
  throw new UsageError(`unexpected "${a.rest()}"`, kind);
}

function need(value: string, what: string, kind: Kind): string {
  if (!value) throw new UsageError(`missing ${what}`, kind);
  return value;
}

function onOff(a: Args, kind: Kind): boolean {
  const w = a.next()?.toLowerCase();
  noMore(a, kind);
  if (w === 'on') return true;
  if (w === 'off') return false;
  throw new UsageError(w === undefined ? 'say on or off' : `expected on or off, got "${w}"`, kind);
}

/** Known severity names as word lists, longest first, so "sev 1" beats "sev". */
function severityPatterns(names: readonly string[]): string[][] {
  return names
    .map((n) => String(n).trim().toLowerCase().split(/\s+/u).filter(Boolean))
    .filter((words) => words.length > 0)
    .sort((x, y) => y.length - x.length || y.join(' ').length - x.join(' ').length);
}

function parseDeclare(a: Args, severities: readonly string[]): Command {
  for (const words of severityPatterns(severities)) {
    if (a.left < words.length) continue;
    const typed = words.map((_, i) => a.peek(i) ?? '');
    if (typed.every((t, i) => t.toLowerCase() === words[i])) {
      for (const _ of words) a.next();
      const title = need(a.rest(), 'title', 'declare');
      return { kind: 'declare', severity: typed.join(' '), title };
    }
  }
  return { kind: 'declare', title: need(a.rest(), 'title', 'declare') };
}

function parseUpdate(a: Args): Command {
  const incident = takeIncident(a, 'update');
  const word = a.peek()?.toLowerCase().replace(/:$/, '');
  const status = STATUSES.find((s) => s === word);
  if (status) a.next();
  const text = need(a.rest(), 'update text', 'update');
  return { kind: 'update', incident, ...(status ? { status } : {}), text };
}

function parseRole(a: Args): Command {
  const incident = takeIncident(a, 'role');
  if (a.left < 2) throw new UsageError('missing role or user', 'role');
  // Accept "role @alice commander" as well: a mention is never a role name.
  let [role, who] = [a.next()!, a.next()!];
  noMore(a, 'role');
  if (isMention(role) && !isMention(who)) [role, who] = [who, role];
  const user = parseUserRef(who);
  if (!user) throw new UsageError(`"${who}" is not a user (use @name)`, 'role');
  return { kind: 'role', incident, role, user };
}

function parsePage(a: Args): Command {
  const incident = takeIncident(a, 'page');
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
}

function parsePostmortem(a: Args): Command {
  const incident = takeIncident(a, 'postmortem');
  if (a.left === 0) return { kind: 'postmortem', incident };
  if (a.next()!.toLowerCase() !== 'done') throw new UsageError('expected "done <url>"', 'postmortem');
  // Slack wraps links as <https://…> or <https://…|label>, and the label may contain spaces.
  const wrapped = /^<([^|>\s]+)(?:\|[^>]*)?>$/.exec(a.rest());
  if (wrapped) return { kind: 'postmortem', incident, done: wrapped[1] };
  a.back();
  const url = need(a.next() ?? '', 'postmortem link after "done"', 'postmortem');
  noMore(a, 'postmortem');
  return { kind: 'postmortem', incident, done: url };
}

function parseOverride(a: Args): Command {
  if (a.left < 3) throw new UsageError('missing schedule, user or duration', 'override');
  let [schedule, who] = [a.next()!, a.next()!];
  if (isMention(schedule) && !isMention(who)) [schedule, who] = [who, schedule];
  schedule = schedule.replace(/^schedule:/i, '');
  const user = parseUserRef(who);
  if (!user) throw new UsageError(`"${who}" is not a user (use @name)`, 'override');
  const text = a.rest();
  const duration = parseDuration(text);
  if (!duration) throw new UsageError(`bad duration "${text}" (e.g. 2h, 1d, 90m)`, 'override');
  return { kind: 'override', schedule: need(schedule, 'schedule', 'override'), user, duration };
}

function parseStats(a: Args): Command {
  const text = a.rest();
  if (!text) return { kind: 'stats' };
  const window = parseDuration(text);
  if (!window) throw new UsageError(`bad window "${text}" (e.g. 30d, 1w)`, 'stats');
  return { kind: 'stats', window };
}

function parseBody(kind: Kind, a: Args, severities: readonly string[]): Command {
  switch (kind) {
    case 'declare':
      return parseDeclare(a, severities);
    case 'update':
      return parseUpdate(a);
    case 'mitigate': {
      const incident = takeIncident(a, kind);
      return { kind, incident, text: need(a.rest(), 'what was done', kind) };
    }
    case 'resolve': {
      const incident = takeIncident(a, kind);
      return { kind, incident, summary: need(a.rest(), 'summary', kind) };
    }
    case 'severity': {
      const incident = takeIncident(a, kind);
      return { kind, incident, severity: need(a.rest(), 'severity', kind) };
    }
    case 'role':
      return parseRole(a);
    case 'page':
      return parsePage(a);
    case 'ack':
    case 'status':
    case 'timeline': {
      const incident = takeIncident(a, kind);
      noMore(a, kind);
      return { kind, incident };
    }
    case 'list':
      noMore(a, kind);
      return { kind };
    case 'postmortem':
      return parsePostmortem(a);
    case 'oncall': {
      const schedule = a.next()?.replace(/^schedule:/i, '');
      noMore(a, kind);
      return schedule ? { kind, schedule } : { kind };
    }
    case 'override':
      return parseOverride(a);
    case 'stats':
      return parseStats(a);
    case 'automation':
    case 'safe_mode':
      return { kind, on: onOff(a, kind) };
    case 'help': {
      const topic = a.rest().toLowerCase();
      return topic ? { kind, topic } : { kind };
    }
  }
}

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
    const word = tokens[0].text.toLowerCase();
    const kind = Object.hasOwn(WORDS, word) ? WORDS[word] : undefined;
    if (!kind) return { ok: false, error: `unknown command "${tokens[0].text}"`, usage: ALL_USAGE };
    const severities = Array.isArray(opts?.severities) ? opts.severities : [];
    return { ok: true, command: tidy(parseBody(kind, new Args(source, tokens, 1), severities)) };
  } catch (e) {
    if (e instanceof UsageError) return { ok: false, error: e.message, usage: USAGE[e.kind] };
    // Defensive: the grammar must never take an adapter down.
    return { ok: false, error: `could not read that command (${String(e)})`, usage: ALL_USAGE };
  }
}
