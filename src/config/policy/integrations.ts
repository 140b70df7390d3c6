// `integrations:` (SPEC §8): alert sources that open, dedupe and resolve incidents. Each entry's
// key is its id in URLs, logs, metrics and `declaredBy`; its secret lives in the environment
// variable named by `token_env`, never in the file.
import { z } from 'zod';
import { parseDuration } from '../../domain/duration.js';
import { INTEGRATION_TYPES } from '../../domain/alert.js';

const present = (v: unknown) => (v === undefined ? 'required' : undefined);

const word = z.string({ error: (i) => present(i.input) ?? `expected text, got ${JSON.stringify(i.input)}` }).trim().min(1, 'expected text');

const positive = (fallback: number) =>
  z.preprocess(
    (v) => (typeof v === 'bigint' ? Number(v) : v),
    z.number({ error: (i) => `expected a whole number ≥ 1, got ${JSON.stringify(i.input)}` }).int('expected a whole number ≥ 1').min(1, 'expected a whole number ≥ 1'),
  ).default(fallback);

// A heartbeat timer fires on the clock: "25 business hours" would silently wait over a weekend.
const interval = z.unknown().transform((v, ctx) => {
  const d = typeof v === 'string' ? parseDuration(v) : null;
  if (!d || d.kind !== 'wall' || d.ms < 1000) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a wall-clock duration of at least 1s (e.g. 25h)` });
    return z.NEVER;
  }
  return d.ms;
});

export const IntegrationSchema = z
  .strictObject({
    type: z.enum(INTEGRATION_TYPES, { error: (i) => present(i.input) ?? `${JSON.stringify(i.input)} is not one of ${INTEGRATION_TYPES.join(', ')}` }),
    token_env: word.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name (e.g. KLAXON_PROMETHEUS_TOKEN)'),
    severity: z
      .strictObject({
        // The alert label whose value picks the severity (Alertmanager and Grafana).
        label: word.default('severity'),
        map: z.record(z.string(), word).default({}),
        default: word.optional(),
      })
      .default({ label: 'severity', map: {} }),
    resolve: z.enum(['auto', 'note'], { error: (i) => `${JSON.stringify(i.input)} is not auto or note` }).default('auto'),
    max_open: positive(20),
    // Calls per minute per token before 429: a misbehaving sender cannot drown the database.
    rate_limit: positive(600),
    expect_every: interval.optional(),
  })
  .superRefine((i, ctx) => {
    if (i.type === 'heartbeat' && i.expect_every === undefined) ctx.addIssue({ code: 'custom', path: ['expect_every'], message: 'required for a heartbeat (e.g. 25h)' });
    const known = (INTEGRATION_TYPES as readonly unknown[]).includes(i.type);
    if (known && i.type !== 'heartbeat' && i.expect_every !== undefined) ctx.addIssue({ code: 'custom', path: ['expect_every'], message: 'only a heartbeat has expect_every' });
    // Runs when other fields failed too, so every problem of the entry is reported in one pass.
  }, { when: () => true });

export const IntegrationsSchema = z.record(z.string(), IntegrationSchema).default({});

export type Integration = z.output<typeof IntegrationSchema>;

/** Ids go into URLs: letters, digits, `-` and `_`, so no id ever needs escaping. */
export const INTEGRATION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

type Report = (path: (string | number)[], message: string) => void;

/** Cross references: ids usable in URLs, severities that exist. */
export function checkIntegrations(integrations: unknown, knownSeverity: (name: string) => boolean, report: Report): void {
  if (typeof integrations !== 'object' || integrations === null) return;
  for (const [name, raw] of Object.entries(integrations)) {
    if (!INTEGRATION_ID.test(name)) report(['integrations', name], 'an id is letters, digits, "-" and "_" (it goes into the URL)');
    if (typeof raw !== 'object' || raw === null) continue;
    const sev = (raw as { severity?: unknown }).severity;
    if (typeof sev !== 'object' || sev === null) continue;
    const { map, default: def } = sev as { map?: unknown; default?: unknown };
    if (typeof def === 'string' && !knownSeverity(def)) report(['integrations', name, 'severity', 'default'], `unknown severity "${def}"`);
    if (typeof map === 'object' && map !== null) {
      for (const [from, to] of Object.entries(map)) {
        if (typeof to === 'string' && !knownSeverity(to)) report(['integrations', name, 'severity', 'map', from], `unknown severity "${to}"`);
      }
    }
  }
}

/** check-policy's warnings: an integration whose token variable is unset refuses every call. */
export function integrationWarnings(integrations: Record<string, Integration>, env: NodeJS.ProcessEnv): string[] {
  return Object.entries(integrations)
    .filter(([, i]) => !env[i.token_env]?.trim())
    .map(([name, i]) => `integrations.${name}.token_env: ${i.token_env} is unset, so ${name} answers every call with 404 until it is set`);
}
