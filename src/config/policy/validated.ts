// The whole file, checked: fields, then cross references (reported with the field errors),
// then defaults that need the whole file.
import type { z } from 'zod';
import { crossCheck } from './cross-check.js';
import { findIn } from './names.js';
import { PolicyObject } from './schema.js';

export const PolicySchema = PolicyObject
  // Runs even when fields failed, so cross-reference errors arrive with the rest.
  .superRefine((p, ctx) => crossCheck(p, (path, message) => ctx.addIssue({ code: 'custom', path, message })), { when: () => true })
  .transform((p) => ({
    ...p,
    // Names for the command grammar and Discord's choices; each name's sources in role_rules.
    roles: Object.keys(p.roles),
    role_rules: p.roles,
    default_severity: findIn(p.severities, p.default_severity ?? '')?.id ?? p.severities[p.severities.length - 1].id,
  }));

export type Policy = z.output<typeof PolicySchema>;
export type Severity = Policy['severities'][number];
