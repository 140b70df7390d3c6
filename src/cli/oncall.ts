import { loadEnv } from '../config/env.js';
import { loadPolicy } from '../config/policy/index.js';
import { createLogger } from '../log.js';
import { FakeClock } from '../service/clock.js';
import { Service } from '../service/service.js';
import { openStore } from '../store/open.js';
import { parseArgs, parseInstant } from './args.js';
import * as queries from '../service/queries.js';

/** `klaxon oncall [schedule] [--at ISO]`: who is on call, overrides in the database included. */
export async function oncallCommand(args: string[]): Promise<number> {
  const { opts, positional } = parseArgs(args, { values: ['at', 'policy'] });
  const env = loadEnv();
  const policy = loadPolicy(typeof opts.policy === 'string' ? opts.policy : env.policyPath);
  const at = typeof opts.at === 'string' ? parseInstant(opts.at, '--at') : new Date();
  const store = await openStore({ url: env.KLAXON_DATABASE_URL, path: env.KLAXON_DB });
  try {
    const svc = new Service({ db: store.db, policy, clock: new FakeClock(at), platforms: [], log: createLogger('silent') });
    const r = await svc.transact((ctx) => queries.oncall(ctx, positional[0]));
    console.log(r.text);
    return 0;
  } finally {
    await store.close();
  }
}
