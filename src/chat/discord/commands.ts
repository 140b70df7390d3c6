// Discord's /incident application command, rendered from the command table (domain/commands.ts)
// and the policy (severity, role, schedule and escalation-policy choices). It is both what
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
import { COMMANDS, type CommandSpec, KINDS, type OptionSpec } from '../../domain/commands.js';
import { severityLabel } from '../../service/incident-view.js';

export const COMMAND_NAME = 'incident';
/** Discord's limits: 25 choices per option, 100 characters per name, description and value. */
const MAX_CHOICES = 25;
const clip = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Subcommand names as Discord shows them (each command's first word: `safe-mode` for `safe_mode`). */
export const SUBCOMMANDS = KINDS.map((k) => COMMANDS[k].words[0]);

function choices(items: { name: string; value: string }[]): APIApplicationCommandOptionChoice<string>[] | undefined {
  // Past Discord's limit the option stays free text, checked by the service like typed commands.
  if (items.length === 0 || items.length > MAX_CHOICES) return undefined;
  return items.map((c) => ({ name: clip(c.name), value: clip(c.value) }));
}

/** The lists a policy supplies as choices. */
function policyChoices(policy: Policy): Record<Exclude<OptionSpec['choices'], readonly string[] | undefined>, { name: string; value: string }[]> {
  const named = (names: string[]) => names.map((n) => ({ name: n, value: n }));
  return {
    severities: policy.severities.map((s) => ({ name: `${severityLabel(s)} — ${s.description}`, value: s.id })),
    schedules: named(Object.keys(policy.schedules)),
    policies: named(Object.keys(policy.escalation_policies)),
    roles: named(policy.roles),
    commands: KINDS.map((k) => ({ name: COMMANDS[k].words[0], value: k })),
  };
}

const TYPES = { string: Opt.String, integer: Opt.Integer, user: Opt.User } as const;

function option(spec: OptionSpec, lists: ReturnType<typeof policyChoices>): APIApplicationCommandBasicOption {
  const list = spec.choices === undefined ? undefined : typeof spec.choices === 'string' ? choices(lists[spec.choices]) : choices(spec.choices.map((v) => ({ name: v, value: v })));
  return {
    type: TYPES[spec.type],
    name: spec.name,
    description: clip(spec.description),
    required: spec.required ?? false,
    ...(spec.maxLength !== undefined ? { max_length: spec.maxLength } : {}),
    ...(spec.minValue !== undefined ? { min_value: spec.minValue } : {}),
    ...(list ? { choices: list } : {}),
  } as APIApplicationCommandBasicOption;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function incidentCommand(policy: Policy): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const lists = policyChoices(policy);
  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAME,
    description: 'Klaxon incident response',
    contexts: [InteractionContextType.Guild],
    options: KINDS.map((k) => {
      const spec = COMMANDS[k] as CommandSpec<typeof k>;
      return {
        type: Opt.Subcommand,
        name: spec.words[0],
        description: clip(spec.discord.description ?? capitalised(spec.summary)),
        options: spec.discord.options.map((o) => option(o, lists)),
      };
    }),
  };
}

/** Everything Klaxon registers: today the one /incident command. */
export function commandManifest(policy: Policy): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [incidentCommand(policy)];
}
