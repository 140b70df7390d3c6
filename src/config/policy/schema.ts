// Sections of the policy file (SPEC §7), field by field. Keys stay snake_case, as the team
// wrote them. Cross references between sections are checked in cross-check.ts.
import { z } from 'zod';
import { ACTIONS, type Action } from '../../domain/commands.js';
import { ROTATIONS } from '../../domain/rotation.js';
import { TEMPLATE_NAMES } from '../../domain/templates.js';
import { IntegrationsSchema } from './integrations.js';
import { DEFAULT_ROLES, RolesSchema, SeverityRolesSchema } from './roles.js';
import { clock, count, date, day, defaultDuration, duration, id, list, permission, scalar, target, text, timezone, wallDuration, type WallDuration } from './scalars.js';

const BusinessHoursSchema = z.strictObject({
  days: list(day).min(1, 'needs at least one day').default(['mon', 'tue', 'wed', 'thu', 'fri']),
  start: clock.default('09:00'),
  end: clock.default('17:00'),
  holidays: list(date).default([]),
});

const PersonSchema = z.strictObject({
  name: text,
  slack: id.optional(),
  discord: id.optional(),
  email: text.optional(),
});

const ScheduleSchema = z
  .strictObject({
    rotation: z.enum(ROTATIONS),
    // "mon 09:00" for weekly, "09:00" otherwise; defaulted below once rotation is known.
    handoff: text.optional(),
    start: date,
    members: list(id).min(1, 'needs at least one member'),
    // Post "On support today: @alice" to a channel topic on a cron (runbook 004's rota).
    announce: z.strictObject({ topic: text, cron: text }).optional(),
    slack_usergroup: id.optional(),
    shift_notices: z.boolean().default(true),
  })
  .transform((s) => ({ ...s, handoff: (s.handoff ?? (s.rotation === 'weekly' ? 'mon 09:00' : s.rotation === 'monthly' ? '1st 09:00' : '09:00')).toLowerCase() }));

const TierSchema = z.strictObject({
  targets: list(target).min(1, 'needs at least one target'),
  ack_timeout: wallDuration,
  // Lets a policy page the rota in office hours and someone else out of hours (runbook 004).
  when: z.enum(['business_hours', 'out_of_hours']).optional(),
});

const EscalationPolicySchema = z.strictObject({
  repeat: count.default(0),
  tiers: list(TierSchema).min(1, 'needs at least one tier'),
});

const NotifyRule = z.strictObject({
  to: text,
  labels: z.record(z.string(), z.union([text, list(text).min(1, 'needs at least one value')])).refine((l) => Object.keys(l).length > 0, 'needs at least one label (e.g. kind: security)'),
});

// An item done with one of the policy's `actions`: shown with a button that runs it.
const ActionItem = z.strictObject({ text: text.optional(), action: text });
const ChecklistEntry = z.union([text, z.strictObject({ use: text }), ActionItem]);

// Runbook actions (`/incident action <name>`): HTTP calls into the team's own systems.
const ActionSchema = z.strictObject({
  description: text.optional(),
  url: scalar<string>((v) => {
    try {
      const u = new URL(String(v));
      if (u.protocol === 'http:' || u.protocol === 'https:') return { ok: u.toString() };
    } catch {
      // reported below
    }
    return { error: `${JSON.stringify(v)} is not an http(s) URL` };
  }),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  // header name → environment variable holding its value (a token): secrets stay out of the file.
  headers_env: z.record(z.string(), text).default({}),
  body: z.string().optional(),
  confirm: z.boolean().default(true),
  permission: permission.optional(),
  timeout: wallDuration.default(() => defaultDuration('10s') as WallDuration),
});

const SeveritySchema = z.strictObject({
  id,
  name: text.optional(),
  aliases: list(id).default([]),
  description: text,
  page: text.optional(),
  targets: z.strictObject({ acknowledge: duration.optional(), mitigate: duration.optional(), resolve: duration.optional() }).optional(),
  updates: z
    .strictObject({
      every: duration.optional(),
      // "twice daily", "daily at 10:00": nudges at these local times instead of after an interval.
      at: list(clock).min(1, 'needs at least one time').optional(),
      days: z.enum(['business', 'all']).default('business'),
      // Cadence that relaxes once stabilised (runbook 002: 15m, then 30–60m).
      by_status: z
        .strictObject({ investigating: duration.optional(), identified: duration.optional(), monitoring: duration.optional() })
        .optional(),
    })
    .optional(),
  postmortem: z
    .strictObject({
      required: z.boolean().default(false),
      due: duration.optional(),
      // Runbook 003: "any incident lasting >4 hours" needs one, whatever its severity.
      required_if_longer_than: duration.optional(),
    })
    .optional(),
  // Extension: runbook 003 "auto-escalate after 2h", runbook 002 "notify secondary if
  // persistent >30–60 minutes". Pages `page` once if still unmitigated `after` declaring.
  auto_escalate: z.strictObject({ after: duration, page: text }).optional(),
  // A channel key or group, or `{ to, labels }`: only incidents with those labels (runbook 000's
  // "security incidents notify the Security Liaison"; labels come from alerts and `declare --label`).
  notify: list(z.union([text, NotifyRule])).default([]),
  public: z.boolean().default(false),
  // Overrides status_page.publish_after for this severity.
  publish_after: duration.optional(),
  // How often customers hear from the status page (`/incident public <text>`) while it is public:
  // runbook 003's "we will provide updates every hour until resolved". Nudges when one is due.
  public_updates: z.strictObject({ every: duration }).optional(),
  runbooks: list(text).default([]),
  checklist: list(text).default([]),
  // Phase checklists: posted when the incident enters the phase, ticked with `/incident check <n>`.
  // An entry is an item, or `{ use: name }` for a shared list under the top-level `checklists`.
  checklists: z
    .strictObject({ declared: list(ChecklistEntry).optional(), mitigated: list(ChecklistEntry).optional(), resolved: list(ChecklistEntry).optional() })
    .optional(),
  // Runbook 003 words its resolution differently per severity; overrides `templates` for this one.
  templates: z.partialRecord(z.enum(TEMPLATE_NAMES), z.string()).optional(),
  // Issue #16: this severity's role sources (over the top-level ones), the roles nobody may leave
  // empty, and how long they may stay empty before the channel is nudged.
  roles: SeverityRolesSchema.optional(),
  required_roles: list(text).default([]),
  role_grace: duration.optional(),
});

const SupportSchema = z.strictObject({
  channels: list(id).default([]),
  cooldown: duration.default(() => defaultDuration('12h')),
  issue_url: text.optional(),
  hours_text: text.optional(),
  in_hours: text.optional(),
  out_of_hours: text.optional(),
  security_keywords: list(text).default([]),
  security_severity: text.optional(),
  // Who the in-hours reply's "the person on support is on it" means: told by DM with a link.
  notify: target.optional(),
});

const ChannelMap = z.record(z.string(), id);

export const PolicyObject = z.strictObject({
  name: text.optional(),
  timezone: timezone.default('UTC'),
  business_hours: BusinessHoursSchema.default({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', holidays: [] }),
  people: z.record(z.string(), PersonSchema).default({}),
  schedules: z.record(z.string(), ScheduleSchema).default({}),
  escalation_policies: z.record(z.string(), EscalationPolicySchema).default({}),
  roles: RolesSchema.default(DEFAULT_ROLES),
  role_grace: duration.default(() => defaultDuration('10m')),
  groups: z.record(z.string(), list(id)).default({}),
  // Its keys are the commands the command table marks as guarded.
  // `acknowledge`: who may acknowledge a page that did not notify them (service/acknowledge-permission.ts).
  permissions: z.partialRecord(z.enum(['acknowledge', ...ACTIONS] as ['acknowledge', ...Action[]]), permission).default({}),
  severities: list(SeveritySchema).min(1, 'needs at least one severity'),
  default_severity: text.optional(),
  channels: z.strictObject({ slack: ChannelMap.optional(), discord: ChannelMap.optional() }).default({}),
  support: z.strictObject({ discord: SupportSchema.optional(), slack: SupportSchema.optional() }).optional(),
  status_page: z
    .strictObject({
      title: text,
      publish_after: duration.default(() => defaultDuration('30m')),
      url: text.optional(),
      // What customers recognise ("API", "Dashboard"): `/incident components` names the ones an incident affects.
      components: list(text).default([]),
    })
    .optional(),
  templates: z.partialRecord(z.enum(TEMPLATE_NAMES), z.string()).optional(),
  actions: z.record(z.string(), ActionSchema).default({}),
  // Scheduled messages that are not incidents (retention purges, weekly reports).
  reminders: list(z.strictObject({ cron: text, channel: text, text })).default([]),
  // Shared checklists by name (`use: intake` in a severity's phase checklist).
  checklists: z.record(z.string(), list(z.union([text, ActionItem]))).default({}),
  postmortem: z.strictObject({ sections: list(text).default([]) }).optional(),
  reactions: z
    .strictObject({
      acknowledge: list(text).default(['white_check_mark', 'eyes']),
      timeline: list(text).default(['pushpin']),
      declare: list(text).default(['rotating_light']),
    })
    .default({ acknowledge: ['white_check_mark', 'eyes'], timeline: ['pushpin'], declare: ['rotating_light'] }),
  integrations: IntegrationsSchema,
});

export type PolicyShape = z.output<typeof PolicyObject>;

export type Schedule = z.output<typeof ScheduleSchema>;
export type EscalationPolicy = z.output<typeof EscalationPolicySchema>;
export type Tier = z.output<typeof TierSchema>;
export type SupportConfig = z.output<typeof SupportSchema>;
