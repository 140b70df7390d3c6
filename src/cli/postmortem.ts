import { loadEnv } from '../config/env.js';
import { loadPolicy } from '../config/policy/index.js';
import { getIncident } from '../service/incident-view.js';
import { renderPostmortem } from '../service/postmortem-draft.js';
import { closeDb, openDb } from '../store/db.js';

/** `klaxon postmortem N`: prints the markdown draft for incident N. */
export async function postmortemCommand(args: string[]): Promise<number> {
  const n = Number(args[0]?.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) {
    console.error('Usage: klaxon postmortem N (an incident number)');
    return 2;
  }
  const env = loadEnv();
  const policy = loadPolicy(env.policyPath);
  const db = openDb(env.KLAXON_DB);
  try {
    const inc = await getIncident(db, n);
    if (!inc) {
      console.error(`There is no incident #${n} in ${env.KLAXON_DB}.`);
      return 1;
    }
    console.log(await renderPostmortem(db, policy, inc));
    return 0;
  } finally {
    closeDb(db);
  }
}
