// `klaxon register-discord-commands`: PUTs the /incident command, built from the policy (its
// severities, roles and schedules become choices), to the guild named in the policy or --guild.
// Run it again after changing those parts of the policy. `--print` shows the JSON instead;
// manifests/discord-commands.json is that output for the bundled default policy.
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { commandManifest } from '../chat/discord/commands.js';
import { commandSizeProblem } from '../chat/discord/command-size.js';
import { loadEnv } from '../config/env.js';
import { loadPolicy } from '../config/policy/index.js';
import { ArgError, parseArgs } from './args.js';

const USAGE = 'Usage: klaxon register-discord-commands [--guild ID] [--global] [--print]';

export async function registerDiscordCommandsCommand(args: string[], source: NodeJS.ProcessEnv = process.env): Promise<number> {
  let opts: Record<string, string | true>;
  try {
    opts = parseArgs(args, { values: ['guild'], flags: ['global', 'print'] }).opts;
  } catch (e) {
    if (!(e instanceof ArgError)) throw e;
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  const env = loadEnv(source);
  const policy = loadPolicy(env.policyPath);
  const body = commandManifest(policy);
  if (opts.print) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const tooBig = commandSizeProblem(policy);
  if (tooBig) {
    console.error(tooBig);
    return 1;
  }
  if (!env.DISCORD_TOKEN || !env.DISCORD_APPLICATION_ID) {
    console.error('DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to register commands (see "Connect Discord" in the README).');
    return 1;
  }
  const guild = typeof opts.guild === 'string' ? opts.guild : policy.channels.discord?.guild;
  if (!guild && !opts.global) {
    console.error(`No guild: set channels.discord.guild in ${env.policyPath}, pass --guild ID, or --global (global commands take up to an hour to appear).`);
    return 1;
  }
  const route = opts.global ? Routes.applicationCommands(env.DISCORD_APPLICATION_ID) : Routes.applicationGuildCommands(env.DISCORD_APPLICATION_ID, guild!);
  const rest = new REST({ ...(env.DISCORD_API_URL ? { api: env.DISCORD_API_URL } : {}), retries: 1 }).setToken(env.DISCORD_TOKEN);
  try {
    const saved = (await rest.put(route, { body })) as { name: string }[];
    const subs = body[0].options?.length ?? 0;
    console.log(`Registered ${saved.map((c) => `/${c.name}`).join(', ')} (${subs} subcommands) ${opts.global ? 'globally' : `in guild ${guild}`} from ${env.policyPath}.`);
    return 0;
  } catch (e) {
    if (e instanceof DiscordAPIError) {
      const hint = e.status === 401 ? ' (check DISCORD_TOKEN)' : e.code === 50001 ? ' (is the bot in that guild, invited with the applications.commands scope?)' : '';
      console.error(`Discord refused the commands: ${e.status} ${e.code} ${e.message}${hint}`);
      return 1;
    }
    console.error(`Could not reach Discord: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
