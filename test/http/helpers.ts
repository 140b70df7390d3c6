// A whole Klaxon app on an in-memory database, a fake clock and an ephemeral port, with the HTTP
// surface mounted: what the HTTP and status-page tests drive with real requests.
import type { Logger } from 'pino';
import { KlaxonApp } from '../../src/app.js';
import type { ChatAdapter, Connection } from '../../src/service/port.js';
import type { Policy } from '../../src/config/policy/index.js';
import { mountHttp } from '../../src/http/routes.js';
import { actorFor } from '../../src/service/actor.js';
import { FakeClock } from '../../src/service/clock.js';
import { closeDb, openDb } from '../../src/store/db.js';
import { testPolicy } from '../helpers/harness.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const T0 = '2026-03-04T10:00:00Z';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export type TestAppOptions = {
  /** null: the API is off (KLAXON_API_TOKEN unset). */
  token?: string | null;
  start?: string;
  policy?: Policy;
  yaml?: string;
  adapters?: { adapter: ChatAdapter; connection?: Connection }[];
  /** Variables the policy names (integration tokens). */
  secrets?: NodeJS.ProcessEnv;
  log?: Logger;
};

export async function startApp(o: TestAppOptions = {}) {
  const policy = testPolicy(o);
  const db = openDb(':memory:');
  const clock = new FakeClock(o.start ?? T0);
  const token = o.token === null ? undefined : (o.token ?? TOKEN);
  const app = new KlaxonApp({ env: { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5, KLAXON_API_TOKEN: token }, policy, db, clock, secrets: o.secrets ?? {}, log: o.log });
  for (const a of o.adapters ?? []) app.addAdapter(a.adapter, a.connection);
  mountHttp(app.httpDeps());
  await app.start({ loop: false });
  const base = `http://127.0.0.1:${app.port}`;
  const as = (person: string) => actorFor(policy, 'console', person);
  return {
    app,
    db,
    clock,
    policy,
    base,
    /** Runs a chat command as a policy person, failing the test if Klaxon refuses it. */
    async run(person: string, text: string) {
      const r = await app.service.run(as(person), text);
      if (!r.ok) throw new Error(`"${text}" was refused: ${r.text}`);
      return r;
    },
    get: (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers }),
    api: (path: string, init: RequestInit = {}) =>
      fetch(base + path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } }),
    async stop() {
      await app.stop();
      closeDb(db);
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startApp>>;
