// `klaxon <command>`: the package's command line.
import { checkPolicy } from './cli/check-policy.js';
import { integrationsCommand } from './cli/integrations.js';
import { oncallCommand } from './cli/oncall.js';
import { postmortemCommand } from './cli/postmortem.js';
import { simulateCommand } from './cli/simulate.js';
import { EnvError, loadEnv } from './config/env.js';
import { PolicyError } from './config/policy/index.js';
import { start } from './main.js';
import { ArgError, parseArgs } from './cli/args.js';
import { UserError } from './service/errors.js';
import { PolicyDriftError } from './service/policy-drift.js';
import { namesVariable } from './store/startup-errors.js';
import { openStore } from './store/open.js';
import { redactUrl } from './store/url.js';
import { existsSync } from 'node:fs';
import { LeaseHeldError } from './store/lease.js';

// One usage text per command: `klaxon <command> --help` prints it, and so does a bad option.
const COMMANDS: Record<string, string> = {
  start: 'klaxon start [--no-console]\n  Run the bot: the console chat (unless Slack or Discord is configured, or --no-console), Slack,\n  Discord and HTTP. With no terminal and no input it keeps running without the console.',
  console: 'klaxon console\n  Run the bot with the terminal chat even when Slack or Discord is configured.',
  'check-policy': 'klaxon check-policy [FILE]\n  Validate a policy: a summary, or every error with its path. Without FILE, the policy `start`\n  would load (KLAXON_POLICY, else ./klaxon.yaml, else the bundled default).',
  simulate:
    'klaxon simulate --severity SEV [--policy FILE] [--ack-after 40m] [--resolve-after 3h] [--until 3d] [--at ISO] [--json]\n  The timeline a policy would produce, until resolved or --until (default 3 days).',
  oncall: 'klaxon oncall [SCHEDULE] [--at ISO-TIME] [--policy FILE]\n  Who is on call, overrides included.',
  migrate: 'klaxon migrate\n  Apply database migrations to KLAXON_DATABASE_URL (PostgreSQL), else KLAXON_DB, and exit.',
  postmortem: "klaxon postmortem N\n  Print incident N's postmortem draft.",
  export:
    'klaxon export FILE [--database PATH|URL]\n  Write every incident, timeline, page, timer and outbox row to FILE (JSON lines), to move to\n  another store. The store: --database, else KLAXON_DATABASE_URL (PostgreSQL), else KLAXON_DB.',
  import:
    'klaxon import FILE [--database PATH|URL]\n  Load an export into an empty store (same choice of store as export), numbers and ids kept.',
  integrations: "klaxon integrations [--url BASE] [--policy FILE]\n  Each alert integration's URL (token elided) and a ready-to-paste sender configuration.",
  'register-discord-commands': 'klaxon register-discord-commands [--guild ID] [--global] [--print]\n  Register /incident with Discord (choices come from the policy).',
};

const USAGE = `Usage: klaxon <command> [options]   (klaxon <command> --help for more)
${Object.values(COMMANDS)
  .map((u) => `  ${u.split('\n')[0].replace(/^klaxon /, '')}`)
  .join('\n')}
  help [COMMAND]`;

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

/** `.env` in the working directory, as documented; variables already set win (Node's own rule). */
function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

async function main(argv: string[]): Promise<number> {
  const [cmd = 'start', ...args] = argv;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(args[0] && Object.hasOwn(COMMANDS, args[0]) ? `Usage: ${COMMANDS[args[0]]}` : USAGE);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, cmd)) {
    console.error(`Unknown command "${cmd}".\n${USAGE}`);
    return 2;
  }
  if (wantsHelp(args)) {
    console.log(`Usage: ${COMMANDS[cmd]}`);
    return 0;
  }
  try {
    return await run(cmd, args);
  } catch (e) {
    if (!(e instanceof ArgError)) throw e;
    console.error(`${e.message}\nUsage: ${COMMANDS[cmd]}`);
    return 2;
  }
}

async function run(cmd: string, args: string[]): Promise<number> {
  loadDotEnv();
  switch (cmd) {
    case 'start': {
      const { opts } = parseArgs(args, { values: [], flags: ['no-console'] }, 0);
      return start(opts['no-console'] ? { console: false } : {});
    }
    case 'console':
      parseArgs(args, { values: [] }, 0);
      return start({ console: true });
    case 'check-policy': {
      const { positional } = parseArgs(args, { values: [] }, 1);
      const r = checkPolicy(positional[0] ?? loadEnv().policyPath);
      (r.ok ? process.stdout : process.stderr).write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
      return r.ok ? 0 : 1;
    }
    case 'migrate': {
      parseArgs(args, { values: [] }, 0);
      const env = loadEnv();
      const store = await openStore({ url: env.KLAXON_DATABASE_URL, path: env.KLAXON_DB });
      await store.close();
      console.log(`Migrated ${store.dialect === 'postgres' ? redactUrl(env.KLAXON_DATABASE_URL!) : env.KLAXON_DB}`);
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
    // Loaded on demand: the PostgreSQL driver they bring would stay resident in every `start` on SQLite (about 10 MB).
    case 'export':
      return (await import('./cli/transfer.js')).exportCommand(args);
    case 'import':
      return (await import('./cli/transfer.js')).importCommand(args);
    default:
      // Loaded on demand: discord.js takes half a second to import, which every other command would pay.
      return (await import('./cli/register-discord.js')).registerDiscordCommandsCommand(args);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    // Refusals are the user's to fix: one line, no stack trace.
    if (e instanceof UserError) {
      console.error(e.message);
      process.exit(2);
    }
    // Start-up problems name the variable to fix: one line and status 1; LOG_LEVEL=debug adds the stack.
    if (e instanceof EnvError || e instanceof PolicyError || e instanceof PolicyDriftError || e instanceof LeaseHeldError || namesVariable(e)) {
      console.error(e.message);
      if (/^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '') && e.stack) console.error(e.stack);
    } else console.error(e);
    process.exit(1);
  },
);
