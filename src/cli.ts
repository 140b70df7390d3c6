// `klaxon <command>`: the package's command line.
import { checkPolicy } from './cli/check-policy.js';
import { integrationsCommand } from './cli/integrations.js';
import { oncallCommand } from './cli/oncall.js';
import { postmortemCommand } from './cli/postmortem.js';
import { simulateCommand } from './cli/simulate.js';
import { EnvError, loadEnv } from './config/env.js';
import { PolicyError } from './config/policy/index.js';
import { start } from './main.js';
import { ArgError } from './cli/args.js';
import { UserError } from './service/errors.js';
import { PolicyDriftError } from './service/policy-drift.js';
import { closeDb, openDb } from './store/db.js';
import { LeaseHeldError } from './store/lease.js';

const USAGE = `Usage: klaxon <command>
  start                       run the bot (default): console, Slack and Discord as configured
  console                     run the bot with the terminal chat even when Slack/Discord are on
  check-policy FILE           validate a policy file
  simulate --severity SEV [--policy FILE] [--ack-after 40m] [--resolve-after 3h] [--at ISO] [--json]
  oncall [SCHEDULE] [--at ISO-TIME]
  migrate                     apply database migrations and exit
  postmortem N                print incident N's postmortem draft
  integrations [--url BASE] [--policy FILE]
                              each alert integration's URL and a ready-to-paste sender config
  register-discord-commands [--guild ID] [--global] [--print]
                              register /incident with Discord (choices come from the policy)`;

async function main(argv: string[]): Promise<number> {
  const [cmd = 'start', ...args] = argv;
  switch (cmd) {
    case 'start':
      return start();
    case 'console':
      return start({ console: true });
    case 'check-policy': {
      if (!args[0]) {
        console.error('Usage: klaxon check-policy FILE');
        return 2;
      }
      const r = checkPolicy(args[0]);
      (r.ok ? process.stdout : process.stderr).write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
      return r.ok ? 0 : 1;
    }
    case 'migrate': {
      const env = loadEnv();
      closeDb(openDb(env.KLAXON_DB));
      console.log(`Migrated ${env.KLAXON_DB}`);
      return 0;
    }
    case 'oncall':
      return oncallCommand(args);
    case 'postmortem':
      return postmortemCommand(args);
    case 'simulate':
      return simulateCommand(args);
    case 'integrations':
      return integrationsCommand(args);
    case 'register-discord-commands':
      // Loaded on demand: discord.js takes half a second to import, which every other command would pay.
      return (await import('./cli/register-discord.js')).registerDiscordCommandsCommand(args);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`Unknown command "${cmd}".\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    // Bad arguments and refusals are the user's to fix: one line, no stack trace.
    if (e instanceof ArgError || e instanceof UserError) {
      console.error(e.message);
      process.exit(2);
    }
    if (e instanceof EnvError || e instanceof PolicyError || e instanceof PolicyDriftError || e instanceof LeaseHeldError) console.error(e.message);
    else console.error(e);
    process.exit(1);
  },
);
