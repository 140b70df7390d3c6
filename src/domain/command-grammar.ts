// The pieces of the chat command grammar: words, "#N", mentions, on/off. Each command's own
// grammar is its entry in commands.ts.

export type UserRef = { id: string } | { name: string };
/** The command a usage error belongs to (its name in the table), so the reply shows its form. */
type Kind = string;

/** A link as Slack sends it, `<https://x>` or `<https://x|label>` (the label may hold spaces): the URL, else undefined. */
export function unwrapLink(text: string): string | undefined {
  return /^<([^|>\s]+)(?:\|[^>]*)?>$/.exec(text.trim())?.[1];
}

export const STATUSES = ['investigating', 'identified', 'monitoring'] as const;

/** A whitespace-separated word and where it starts, so free text can be kept exactly as typed. */
type Token = { text: string; at: number };

export class Args {
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
export class UsageError extends Error {
  constructor(
    message: string,
    readonly kind: Kind,
  ) {
    super(message);
  }
}

export function tokenize(source: string): Token[] {
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

export const isMention = (w: string | undefined): boolean => w !== undefined && parseUserRef(w, false) !== null;

/**
 * Optional leading "#N". A "#…" that is not a positive number is an error, not text. A bare "N"
 * counts too where nothing else could be a number: when `bare` is given and at least that many
 * words are left (the number and what must follow it), so `timeline 1` works but
 * `update 3 servers down` stays an update text.
 */
export function takeIncident(a: Args, kind: Kind, bare?: number): number | undefined {
  const w = a.peek();
  if (w !== undefined && bare !== undefined && a.left >= bare && /^[1-9]\d{0,15}$/.test(w) && Number.isSafeInteger(Number(w))) {
    a.next();
    return Number(w);
  }
  if (w === undefined || !w.startsWith('#')) return undefined;
  a.next();
  if (!/^#\d+$/.test(w) || !Number.isSafeInteger(Number(w.slice(1))) || Number(w.slice(1)) < 1) {
    throw new UsageError(`bad incident "${w}": use #N, e.g. #12`, kind);
  }
  return Number(w.slice(1));
}

export function noMore(a: Args, kind: Kind): void {
  const w = a.peek();
  if (w === undefined) return;
  if (w.startsWith('#')) throw new UsageError(`bad incident "${w}": put #N straight after "${kind}"`, kind);
  throw new UsageError(`unexpected "${a.rest()}"`, kind);
}

export function need(value: string, what: string, kind: Kind): string {
  if (!value) throw new UsageError(`missing ${what}`, kind);
  return value;
}

export function onOff(a: Args, kind: Kind): boolean {
  const w = a.next()?.toLowerCase();
  noMore(a, kind);
  if (w === 'on') return true;
  if (w === 'off') return false;
  throw new UsageError(w === undefined ? 'say on or off' : `expected on or off, got "${w}"`, kind);
}

/** Known severity names as word lists, longest first, so "sev 1" beats "sev". */
export function severityPatterns(names: readonly string[]): string[][] {
  return names
    .map((n) => String(n).trim().toLowerCase().split(/\s+/u).filter(Boolean))
    .filter((words) => words.length > 0)
    .sort((x, y) => y.length - x.length || y.join(' ').length - x.join(' ').length);
}
