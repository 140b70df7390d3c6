// One store's half of bench/postgres.bench.ts, in a process of its own: a process runs on one store
// (src/store/tables.ts binds the tables once). `tsx bench/store-worker.ts <sqlite path | postgres url>`
// measures the slash-command ack and the scheduler tick there and prints the figures as one JSON line.
import { eq } from 'drizzle-orm';
import { KlaxonApp } from '../src/app.js';
import { attachSlack } from '../src/chat/slack/index.js';
import { loadPolicy } from '../src/config/policy/index.js';
import { createLogger } from '../src/log.js';
import { tick } from '../src/scheduler/tick.js';
import { actorFor } from '../src/service/actor.js';
import { FakeClock } from '../src/service/clock.js';
import { Service } from '../src/service/service.js';
import type { Db } from '../src/store/db.js';
import { openStore } from '../src/store/open.js';
import { incidents, timers } from '../src/store/tables.js';
import { form, slashCommand } from '../test/fakes/slack/payloads.js';
import { postSigned } from '../test/fakes/slack/signing.js';
import { FakeSlack } from '../test/fakes/slack/web-api.js';
import { median, percentile } from './util.js';

const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-0000-token';
/** Commands per kind, one at a time (an ack's latency, not throughput under load). */
const ACKS = 150;
const DUE = 100;
const PENDING = 1_000;
const TICKS = 10;
const T0 = Date.parse('2026-03-04T10:00:00Z');

export type StoreFigures = { statusP50: number; statusP99: number; declareP50: number; declareP99: number; tick: number };

const target = process.argv[2];
const store = await openStore(target.startsWith('postgres') ? { url: target, path: '' } : { path: target });
const policy = loadPolicy('examples/policies/default.yaml');

/** Signed `/incident …` POSTs to a Klaxon with Slack attached; milliseconds until each 200. */
async function acks(db: Db): Promise<{ status: number[]; declare: number[] }> {
  const fake = await new FakeSlack({ bot: TOKEN }).start();
  for (const id of ['U01ALICE', 'U01BOB', 'U01CAROL', 'U01ERIN']) fake.addUser(id, id);
  fake.addChannel('C01ANNOUNCE', 'announcements');
  const env = { HOST: '127.0.0.1', PORT: 0, KLAXON_TICK_SECONDS: 5, SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl };
  const app = new KlaxonApp({ env, policy, db, log: createLogger('silent') });
  await attachSlack(app, env);
  await app.start({ loop: false });
  // Delivery is the outbox bench's subject; queued rows stay queued.
  app.dispatcher.dispatch = async () => 0;
  await app.service.run(actorFor(policy, 'slack', 'U01ALICE'), 'declare sev3 Checkout errors');
  const url = `http://127.0.0.1:${app.port}/slack/events`;
  const time = async (text: string) => {
    const fields = slashCommand(text, { user: 'U01ALICE', responseUrl: `${fake.url}/respond/bench` });
    const r = await postSigned(url, form(fields), { secret: SECRET });
    if (r.status !== 200) throw new Error(`${text}: HTTP ${r.status} ${r.body}`);
    return r.ms;
  };
  const out = { status: [] as number[], declare: [] as number[] };
  for (let i = 0; i < 20; i++) await time('status #1'); // warm-up
  for (let i = 0; i < ACKS; i++) {
    out.status.push(await time('status #1'));
    out.declare.push(await time(`declare sev3 Bench load ${i}`));
  }
  await app.stop();
  await fake.stop();
  return out;
}

/** Median milliseconds of a tick firing DUE nudges (one per open incident) while PENDING others wait. */
async function ticks(db: Db): Promise<number> {
  const clock = new FakeClock(new Date(T0));
  const svc = new Service({ db, policy, clock, platforms: ['console'], log: createLogger('silent') });
  const first = (await db.select({ id: incidents.id }).from(incidents)).length + 1;
  for (let i = 0; i < DUE; i++) await svc.run(actorFor(policy, 'console', 'alice'), `declare sev3 Tick bench ${i}`);
  for (let i = 0; i < PENDING; i += 500) {
    await db.insert(timers).values(Array.from({ length: Math.min(500, PENDING - i) }, (_, j) => ({ kind: 'postmortem_reminder', dueAt: new Date(T0 + 86400_000 * 30 + i + j), status: 'pending' as const, incidentId: first, createdAt: new Date(T0) })));
  }
  const took: number[] = [];
  for (let r = 0; r < TICKS; r++) {
    const now = T0 + (r + 1) * 600_000;
    // Each incident's last update is far enough back that its nudge is really due.
    await db.update(incidents).set({ lastUpdateAt: new Date(now - 3 * 3600_000) }).where(eq(incidents.status, 'investigating'));
    await db.insert(timers).values(Array.from({ length: DUE }, (_, i) => ({ kind: 'nudge', dueAt: new Date(now - 1), status: 'pending' as const, incidentId: first + i, createdAt: new Date(T0) })));
    clock.set(new Date(now));
    const t = process.hrtime.bigint();
    const fired = await tick(svc);
    took.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (fired < DUE) throw new Error(`expected ${DUE} timers to fire, got ${fired}`);
  }
  return median(took);
}

try {
  const a = await acks(store.db);
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
  const s = sorted(a.status);
  const d = sorted(a.declare);
  const figures: StoreFigures = { statusP50: percentile(s, 0.5), statusP99: percentile(s, 0.99), declareP50: percentile(d, 0.5), declareP99: percentile(d, 0.99), tick: await ticks(store.db) };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await store.close();
}
