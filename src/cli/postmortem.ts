import { loadEnv } from '../config/env.js';
import { loadPolicy } from '../config/policy/index.js';
import { getIncident } from '../service/incident-view.js';
import { renderPostmortem } from '../service/postmortem-draft.js';
import { openStore } from '../store/open.js';

/** `klaxon postmortem N`: prints the markdown draft for incident N. */
export async function postmortemCommand(args: string[]): Promise<number> {
  const n = Number(args[0]?.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) {
    console.error('Usage: klaxon postmortem N (an incident number)');
    return 2;
  }
  const env = loadEnv();
  const policy = loadPolicy(env.policyPath);
  const store = await openStore({ url: env.KLAXON_DATABASE_URL, path: env.KLAXON_DB });
  const db = store.db;
  try {
    const inc = await getIncident(db, n);
    if (!inc) {
      console.error(`There is no incident #${n} in ${store.dialect === 'postgres' ? 'the PostgreSQL database' : env.KLAXON_DB}.`);
      return 1;
    }
    console.log(await renderPostmortem(db, policy, inc));
    return 0;
  } finally {
    await store.close();
  }
}
