// The edge rule for text coming in (domain/clean-text.ts) applied to what the service is asked
// to do, whatever the front end: console and Slack lines, Discord's typed options, API bodies,
// messages declared from or pinned. Free text that is empty once cleaned is refused as missing.
import { cleanField } from '../domain/clean-text.js';
import { type Command, USAGE } from '../domain/commands.js';
import type { DeclareInput } from './incidents.js';
import { UserError } from './errors.js';

// The text a command cannot do without, and how its refusal names it.
const REQUIRED: Partial<Record<Command['kind'], [field: string, what: string]>> = {
  declare: ['title', 'title'],
  update: ['text', 'update text'],
  mitigate: ['text', 'what was done'],
  resolve: ['summary', 'summary'],
  severity: ['severity', 'severity'],
  role: ['role', 'role'],
  override: ['schedule', 'schedule'],
};

function cleanStrings(v: unknown): unknown {
  if (typeof v === 'string') return cleanField(v);
  if (Array.isArray(v)) return v.map(cleanStrings);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cleanStrings(x)]));
  }
  return v;
}

/** The command with every text field cleaned; refuses one whose required text was nothing visible. */
export function cleanCommand(cmd: Command): Command {
  const out = cleanStrings(cmd) as Command;
  const required = REQUIRED[cmd.kind];
  if (required && !(out as Record<string, unknown>)[required[0]]) throw new UserError('invalid', `missing ${required[1]} (nothing visible was given)`, USAGE[cmd.kind]);
  return out;
}

/** A declaration's title and description cleaned; an invisible title is refused as missing. */
export function cleanDeclareInput(input: DeclareInput): DeclareInput {
  const title = cleanField(input.title);
  if (!title) throw new UserError('invalid', 'An incident needs a title (nothing visible was given).', USAGE.declare);
  const description = input.description === undefined ? undefined : cleanField(input.description) || undefined;
  return { ...input, title, ...(input.description !== undefined ? { description } : {}) };
}
