// zod at the edge: a bad body or query parameter is a 400 whose message starts with the field,
// e.g. `severity: unknown severity "sev9"; known: sev1, sev2`, so integrators can fix it quickly.
import type { z } from 'zod';
import { HttpError } from '../body.js';

export function describeIssue(issue: z.core.$ZodIssue, where: string): string {
  if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: unknown field${issue.keys.length > 1 ? 's' : ''}`;
  const path = issue.path.length ? issue.path.map(String).join('.') : where;
  return `${path}: ${issue.message}`;
}

/** Parses or throws a 400 naming the first bad field; `where` names the whole value ("body", "query"). */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new HttpError(400, describeIssue(r.error.issues[0], where));
}

/** Query parameters as a plain object (the last of repeated names wins). */
export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}
