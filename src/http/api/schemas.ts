// Request shapes for /api/v1. Messages are written to follow "field: ", so each reads as a sentence.
import { z } from 'zod';
import { cleanField } from '../../domain/clean-text.js';
import { MAX_LABELS, parseLabel, type Labels } from '../../domain/incident-labels.js';
import { durationProblem, parseDuration, tooLong } from '../../domain/duration.js';
import { findSeverity, type Policy } from '../../config/policy/index.js';

const required = (what: string) => ({ error: (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`) });

export function declareSchema(policy: Policy) {
  const known = policy.severities.map((s) => s.id).join(', ');
  return z.strictObject({
    // The same text rule as chat (domain/clean-text.ts): control characters go, invisible-only is empty.
    title: z.string(required('a string')).transform(cleanField).pipe(z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters')),
    // Optional like chat's `declare`: without one the policy's default severity applies.
    severity: z
      .string(required('a string'))
      .trim()
      .refine((s) => findSeverity(policy, s) !== undefined, { error: (iss) => `unknown severity "${String(iss.input)}"; known: ${known}` })
      .optional(),
    description: z.string(required('a string')).transform(cleanField).pipe(z.string().max(4000, 'must be at most 4000 characters')).optional(),
    link: z.url({ error: 'must be an http(s) URL', protocol: /^https?$/ }).optional(),
    // `notify` entries with `labels` filter on these ({"kind": "security"}).
    labels: z
      .record(z.string(), z.string({ error: 'values must be strings' }), { error: 'must be an object of label: value' })
      .transform((raw, ctx) => {
        const out: Labels = {};
        for (const [k, v] of Object.entries(raw)) {
          const l = parseLabel(`${k}=${v}`);
          if (typeof l === 'string') ctx.addIssue({ code: 'custom', message: l });
          else out[l[0]] = l[1];
        }
        if (Object.keys(out).length > MAX_LABELS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_LABELS} labels` });
        return out;
      })
      .optional(),
  });
}

export const listQuery = z.object({
  status: z.enum(['open', 'resolved', 'all'], { error: 'must be open, resolved or all' }).default('all'),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
});

export const numberParam = z.coerce.number({ error: 'must be an incident number' }).int('must be an incident number').positive('must be an incident number');

export const statsQuery = z.object({
  window: z
    .string()
    .default('30d')
    .transform((text, ctx) => {
      const d = parseDuration(text);
      if (!d || d.kind !== 'wall') {
        ctx.addIssue({ code: 'custom', message: tooLong(text) ? durationProblem(text)! : `"${text}" is not a wall-clock duration such as 30d or 12w` });
        return z.NEVER;
      }
      return d;
    }),
});
