import type { Logger } from 'pino';
import type { Platform } from './port.js';
import type { Policy } from '../config/policy/index.js';
import type { Db, Tx } from '../store/db.js';
import { settings } from '../store/tables.js';
import { prepared } from '../store/prepared.js';
import type { Clock } from './clock.js';

export type ServiceDeps = {
  db: Db;
  policy: Policy;
  clock: Clock;
  /** Platforms Klaxon is connected to; every outgoing message gets one outbox row per platform. */
  platforms: Platform[];
  log: Logger;
  /** Called after a commit that queued messages or timers, so the dispatcher can run at once. */
  onCommit?: () => void;
  /**
   * With replicas (PostgreSQL): this replica's leader fencing token, null when it does not lead.
   * Claims of timers and outbox rows carry it (store/leader.ts leaderFence), so a replica that lost
   * the lead claims nothing even before it notices. Absent on SQLite (one writer per file).
   */
  fence?: () => number | null;
};

/** What a use-case gets inside its transaction. */
export type Ctx = ServiceDeps & { tx: Tx; now: Date };

export type Switches = { automation: boolean; safeMode: boolean };

export async function readSwitches(tx: Tx | Db): Promise<Switches> {
  const rows = await allSettings(tx).execute();
  const get = (k: string) => rows.find((r) => r.key === k)?.value;
  return { automation: get('automation') !== 'off', safeMode: get('safe_mode') === 'on' };
}

/** Read by every declaration and page: prepared once. */
const allSettings = prepared((tx) => tx.select().from(settings).prepare());

export async function writeSwitch(ctx: Ctx, key: 'automation' | 'safe_mode', on: boolean): Promise<void> {
  const value = on ? 'on' : 'off';
  await ctx.tx
    .insert(settings)
    .values({ key, value, updatedAt: ctx.now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: ctx.now } });
}

