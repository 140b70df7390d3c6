// The one definition of Discord's /incident application command. It is built from the policy
// (severity, role, schedule and escalation-policy choices), and is both what
// `klaxon register-discord-commands` PUTs to the guild and, built from the bundled policy, what
// manifests/discord-commands.json holds (a test keeps the two equal).
import {
  ApplicationCommandOptionType as Opt,
  ApplicationCommandType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Policy } from '../../config/policy/index.js';
import { USAGE } from '../../domain/commands.js';
import { severityLabel } from '../../service/incident-view.js';

export const COMMAND_NAME = 'incident';
/** Discord's limits: 25 choices per option, 100 characters per name, description and value. */
const MAX_CHOICES = 25;
const clip = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Subcommand names as Discord shows them; `safe-mode` maps back to the `safe_mode` command. */
export const SUBCOMMANDS = [
  'declare', 'update', 'mitigate', 'severity', 'role', 'page', 'ack', 'resolve', 'status', 'list', 'timeline',
  'postmortem', 'oncall', 'override', 'stats', 'automation', 'safe-mode', 'help',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

function choices(items: { name: string; value: string }[]): APIApplicationCommandOptionChoice<string>[] | undefined {
  // Past Discord's limit the option stays free text, checked by the service like typed commands.
  if (items.length === 0 || items.length > MAX_CHOICES) return undefined;
  return items.map((c) => ({ name: clip(c.name), value: clip(c.value) }));
}

type O = APIApplicationCommandBasicOption;
const str = (name: string, description: string, required = false, extra: Record<string, unknown> = {}): O =>
  ({ type: Opt.String, name, description: clip(description), required, ...extra }) as O;
const withChoices = (o: O, list: APIApplicationCommandOptionChoice<string>[] | undefined): O => (list ? ({ ...o, choices: list } as O) : o);
const user = (name: string, description: string, required = false): O => ({ type: Opt.User, name, description, required });
const incident: O = { type: Opt.Integer, name: 'incident', description: 'Incident number (leave out inside its thread)', required: false, min_value: 1 };
const onOff = (): O => withChoices(str('state', 'on or off', true), [{ name: 'on', value: 'on' }, { name: 'off', value: 'off' }]);

export function incidentCommand(policy: Policy): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const severity = (required: boolean) =>
    withChoices(
      str('severity', 'Severity', required),
      choices(policy.severities.map((s) => ({ name: `${severityLabel(s)} — ${s.description}`, value: s.id }))),
    );
  const schedule = (required: boolean) =>
    withChoices(str('schedule', 'On-call schedule', required), choices(Object.keys(policy.schedules).map((n) => ({ name: n, value: n }))));
  const escalation = withChoices(
    str('policy', 'Escalation policy to page'),
    choices(Object.keys(policy.escalation_policies).map((n) => ({ name: n, value: n }))),
  );
  const role = withChoices(str('role', 'Role', true), choices(policy.roles.map((r) => ({ name: r, value: r }))));
  const status = withChoices(
    str('status', 'New status'),
    ['investigating', 'identified', 'monitoring'].map((s) => ({ name: s, value: s })),
  );

  const sub: Record<Subcommand, { description: string; options: O[] }> = {
    declare: { description: 'Open a new incident', options: [str('title', 'What is wrong, in a few words', true, { max_length: 200 }), severity(false)] },
    update: { description: 'Post a status update', options: [str('text', 'The update', true), status, incident] },
    mitigate: { description: 'Mark the incident mitigated (update monitoring)', options: [str('text', 'What was done', true), incident] },
    severity: { description: 'Change the severity', options: [severity(true), incident] },
    role: { description: 'Assign a role (commander, comms, scribe…)', options: [role, user('user', 'Who takes the role', true), incident] },
    page: {
      description: 'Page a person, a schedule or an escalation policy',
      options: [user('user', 'Person to page'), schedule(false), escalation, incident],
    },
    ack: { description: 'Acknowledge your open pages', options: [incident] },
    resolve: { description: 'Resolve the incident', options: [str('summary', 'What fixed it', true), incident] },
    status: { description: 'Show an incident', options: [incident] },
    list: { description: 'List open and recent incidents', options: [] },
    timeline: { description: 'Show the timeline', options: [incident] },
    postmortem: { description: 'Post the postmortem draft, or mark it done', options: [str('done', 'URL of the finished postmortem'), incident] },
    oncall: { description: 'Who is on call now, and the next hand-off', options: [schedule(false)] },
    override: {
      description: 'Take over a rota for a while',
      options: [schedule(true), user('user', 'Who takes over', true), str('duration', 'For how long, e.g. 4h or 2d', true)],
    },
    stats: { description: 'MTTA, MTTR, target breaches, postmortems', options: [str('window', 'Period, e.g. 30d')] },
    automation: { description: 'Turn auto-replies and automatic paging on or off', options: [onOff()] },
    'safe-mode': { description: 'Stop automatic posts outside incident threads', options: [onOff()] },
    help: {
      description: 'Usage',
      options: [withChoices(str('topic', 'Command'), choices(Object.keys(USAGE).map((k) => ({ name: k.replace('_', '-'), value: k }))))],
    },
  };

  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAME,
    description: 'Klaxon incident response',
    contexts: [InteractionContextType.Guild],
    options: SUBCOMMANDS.map((name) => ({ type: Opt.Subcommand, name, description: clip(sub[name].description), options: sub[name].options })),
  };
}

/** Everything Klaxon registers: today the one /incident command. */
export function commandManifest(policy: Policy): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [incidentCommand(policy)];
}
