// Loading the policy file: parsed once at start and by `klaxon check-policy`; every problem
// is reported with its path so a person can fix the whole file in one pass.
import { readFileSync } from 'node:fs';
import { parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { ACTIONS } from '../../domain/commands.js';
import { TEMPLATE_NAMES } from '../../domain/templates.js';
import { isObj, show } from './scalars.js';
import { PolicyObject } from './schema.js';
import { PolicySchema, type Policy } from './validated.js';

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
