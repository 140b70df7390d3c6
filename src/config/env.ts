import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';

// The bundled policy ships inside the package so `npm start` works with no configuration at all.
export const BUNDLED_POLICY = fileURLToPath(new URL('../../examples/policies/default.yaml', import.meta.url));

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (name: string) =>
  optionalText.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), `${name} must be an http(s) URL`);

export const EnvSchema = z
  .object({
    KLAXON_POLICY: optionalText,
    KLAXON_DB: z.string().default('./data/klaxon.db'),
    /** PostgreSQL instead of SQLite (issue #15): postgres://user:password@host:5432/database. */
    KLAXON_DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\/\S+$/i.test(v), 'must be a postgres:// or postgresql:// URL'),
    /** With PostgreSQL: how long a silent leader keeps the lead before another replica takes over. */
    KLAXON_LEADER_LEASE: z
      .string()
      .default('15s')
      .transform((v, ctx) => {
        const d = parseDuration(/^\d+(\.\d+)?$/.test(v.trim()) ? `${v.trim()}s` : v);
        if (!d || d.kind !== 'wall' || d.ms < 3000 || d.ms > 300_000) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration between 3s and 5m, such as 15s' });
          return z.NEVER;
        }
        return d.ms;
      }),
    /** Names this replica in logs, /healthz and /metrics; default: host name and process id. */
    KLAXON_REPLICA_ID: optionalText.refine((v) => v === undefined || /^[\w.:@-]{1,100}$/.test(v), 'must be up to 100 letters, digits or . _ : @ -'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    KLAXON_API_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
    KLAXON_TICK_SECONDS: z.coerce.number().min(0.05).max(3600).default(5),
    /** /readyz turns 503 when a page has waited this long for delivery. */
    KLAXON_PAGE_STUCK_SECONDS: z.coerce.number().int().min(1).max(86400).default(120),
    // How long delivered messages and finished timers are kept (incidents and timelines forever).
    KLAXON_RETENTION: z
      .string()
      .default('30d')
      .transform((v, ctx) => {
        const d = parseDuration(v);
        if (!d || d.kind !== 'wall' || d.ms < 3600_000) {
          ctx.addIssue({ code: 'custom', message: 'must be a wall-clock duration of at least 1h, such as 30d or 12w' });
          return z.NEVER;
        }
        return d.ms;
      }),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must start with xoxb-'),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), 'must start with xapp-'),
    SLACK_API_URL: url('SLACK_API_URL'),
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: optionalText.refine((v) => v === undefined || /^\d{5,25}$/.test(v), 'must be a numeric snowflake'),
    DISCORD_API_URL: url('DISCORD_API_URL'),
  })
  .superRefine((e, ctx) => {
    if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET)
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)' });
    if ((e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) && !e.SLACK_BOT_TOKEN)
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required when other SLACK_* variables are set' });
    if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID)
      ctx.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'is required with DISCORD_TOKEN' });
  });

export type Env = z.output<typeof EnvSchema> & { policyPath: string };

export class EnvError extends Error {}

/** Parses the environment; the error message is one line naming the variable and what is allowed. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // A blank variable (KLAXON_DB= in a .env copied from .env.example) means "use the default":
  // never SQLite's throwaway database, a random port or every network interface.
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const r = EnvSchema.safeParse(given);
  if (!r.success) {
    const first = r.error.issues[0];
    const name = String(first.path[0] ?? 'environment');
    const shown = name in source ? ` (got "${name.includes('TOKEN') || name.includes('SECRET') || name.includes('DATABASE_URL') ? '***' : source[name]}")` : '';
    throw new EnvError(`${name}: ${first.message}${shown}`);
  }
  const policyPath = r.data.KLAXON_POLICY ?? (existsSync('./klaxon.yaml') ? './klaxon.yaml' : BUNDLED_POLICY);
  return { ...r.data, policyPath };
}

export const slackEnabled = (e: Env) => Boolean(e.SLACK_BOT_TOKEN);
export const discordEnabled = (e: Env) => Boolean(e.DISCORD_TOKEN);
