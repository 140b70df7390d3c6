// Totals over a history that only grows (incidents, pages), for /metrics and `stats`. Summing 100k
// incidents on every scrape took a quarter of a second and held the event loop the whole time. Rows are summed a
// block of ids at a time instead, and a block that can no longer change is summed once and kept:
// every id in it is taken (ids only grow: AUTOINCREMENT) and none of its rows is still open (a
// resolved incident or a closed page is never changed again). A scrape then sums only the newest
// block and the few holding open rows; a cold start sums the rest one block per event-loop turn.
import { inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './db.js';
import { incidents } from './tables.js';

/** Additive figures per label value (severity, integration): counts and sums. */
export type Sums = Map<string, number[]>;

export type BlockSource = {
  /** The highest id in the table, 0 when it is empty. */
  lastId(db: Db): Promise<number>;
  /** Ids of rows that may still change. */
  openIds(db: Db): Promise<number[]>;
  /** Figures of the rows with first ≤ id ≤ last, one row per label value. */
  sum(db: Db, first: number, last: number): Promise<{ key: string; values: number[] }[]>;
};

/** Ids per block: a few ms of SQLite work each, so one block never stalls the event loop. */
export const BLOCK = 2048;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every incident status but `resolved`, the one no incident leaves (an IN list can use the index). */
export const OPEN_STATUSES = incidents.status.enumValues.filter((s) => s !== 'resolved');

export const lastIncidentId = async (db: Tx | Db): Promise<number> =>
  (await db.select({ n: sql<number>`coalesce(max(${incidents.id}), 0)` }).from(incidents))[0].n;

export const openIncidentIds = async (db: Tx | Db): Promise<number[]> =>
  (await db.select({ id: incidents.id }).from(incidents).where(inArray(incidents.status, OPEN_STATUSES))).map((r) => r.id);

/** What a computation does between blocks: nothing (inside a command), or let the event loop turn. */
export type Pace = () => Promise<void>;
export const atOnce: Pace = async () => {};
/** Let /healthz and chat answer between blocks. */
export const eachTurn: Pace = turn;

export class SettledBlocks {
  private readonly kept = new Map<number, Sums>();

  constructor(
    private readonly source: BlockSource,
    private readonly size = BLOCK,
  ) {}

  /** One sum at a time: a scrape arriving during the warm-up waits for it, then sums only what is left. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Figures over the whole table as of now, summed without holding the event loop. */
  total(db: Db, pace: Pace = eachTurn): Promise<Sums> {
    const run = this.queue.then(() => this.sum(db, pace));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sum(db: Db, pace: Pace): Promise<Sums> {
    const last = await this.source.lastId(db);
    const open = new Set((await this.source.openIds(db)).map((id) => this.blockOf(id)));
    const out: Sums = new Map();
    for (let b = 0; b * this.size < last; b++) {
      let sums = open.has(b) ? undefined : this.kept.get(b);
      if (!sums) {
        const first = b * this.size + 1;
        sums = new Map((await this.source.sum(db, first, first + this.size - 1)).map((r) => [r.key, r.values.map(Number)]));
        if (first + this.size - 1 <= last && !open.has(b)) this.kept.set(b, sums);
        else this.kept.delete(b);
        await pace();
      }
      addInto(out, sums);
    }
    return out;
  }

  /** Blocks kept (for tests: a second scrape must not sum them again). */
  get keptBlocks(): number {
    return this.kept.size;
  }

  private blockOf(id: number): number {
    return Math.floor((id - 1) / this.size);
  }
}

export function addInto(out: Sums, sums: Sums): void {
  for (const [key, values] of sums) {
    const acc = out.get(key);
    if (!acc) out.set(key, [...values]);
    else for (let i = 0; i < values.length; i++) acc[i] += values[i];
  }
}
