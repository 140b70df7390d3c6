// A service on an in-memory database with a fake clock: the unit of most integration tests.
import { asc, eq } from 'drizzle-orm';
import type { Platform } from '../../src/service/port.js';
import { loadPolicy, parsePolicy, type Policy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { tick } from '../../src/scheduler/tick.js';
import { actorFor } from '../../src/service/actor.js';
import { FakeClock } from '../../src/service/clock.js';
import { Service } from '../../src/service/service.js';
import { openDb } from '../../src/store/db.js';
import { outbox, timers } from '../../src/store/tables.js';
import { openTestDb } from './store.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export type HarnessOptions = {
  policy?: Policy | string;
  yaml?: string;
  start?: string;
  platforms?: Platform[];
  /** A database file instead of memory, for tests where another connection takes its lock. */
  dbPath?: string;
};

/** The policy a test asks for: inline YAML, a parsed policy, a file, or the bundled default. */
export function testPolicy(o: { policy?: Policy | string; yaml?: string }): Policy {
  if (o.yaml) return parsePolicy(o.yaml);
  return typeof o.policy === 'object' ? o.policy : loadPolicy(o.policy ?? 'examples/policies/default.yaml');
}

export function harness(o: HarnessOptions = {}) {
  const policy = testPolicy(o);
  const db = o.dbPath ? openDb(o.dbPath) : openTestDb();
  const clock = new FakeClock(o.start ?? '2026-03-04T10:00:00Z');
  const svc = new Service({ db, policy, clock, platforms: o.platforms ?? ['console'], log: createLogger('silent') });
  const as = (person: string) => actorFor(policy, 'console', person);
  return {
    db,
    clock,
    svc,
    policy,
    as,
    run: (person: string, text: string) => svc.run(as(person), text),
    /** Moves the clock forward, firing each timer at its exact due time on the way. */
    async advance(ms: number) {
      const end = clock.now().getTime() + ms;
      for (;;) {
        const next = (await db.select().from(timers).where(eq(timers.status, 'pending')).orderBy(asc(timers.dueAt)))[0];
        if (!next || next.dueAt.getTime() > end) break;
        if (next.dueAt.getTime() > clock.now().getTime()) clock.set(next.dueAt);
        await tick(svc);
      }
      clock.set(new Date(end));
      await tick(svc);
    },
    posts: async (filter: (row: typeof outbox.$inferSelect) => boolean = () => true) =>
      (await db.select().from(outbox).orderBy(asc(outbox.id))).filter(filter),
    texts: async (destination?: string) =>
      (await db
        .select()
        .from(outbox)
        .orderBy(asc(outbox.id)))
        .filter((r) => r.kind === 'post' && (!destination || r.destination === destination))
        .map((r) => String((r.body as { text: string }).text)),
  };
}
