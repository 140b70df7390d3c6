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

/**
 * Ids per sub-block. A block holding an open incident (or still filling) is summed again at every
 * scrape; it is summed as sub-blocks instead, settled ones kept, so a scrape re-reads the few
 * sub-blocks holding open incidents and the newest ids rather than 2,048 rows per figure.
 */
export const SUB_BLOCK = 128;

export class SettledBlocks {
  private readonly kept = new Map<number, Sums>();
  /** Settled sub-blocks of blocks that are not settled, by their first id. */
  private readonly keptParts = new Map<number, Sums>();

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
    const openIds = await this.source.openIds(db);
    const open = new Set(openIds.map((id) => this.blockOf(id)));
    const openParts = new Set(openIds.map((id) => Math.floor((id - 1) / SUB_BLOCK)));
    const out: Sums = new Map();
    const parts = new Set<number>();
    for (let b = 0; b * this.size < last; b++) {
      const first = b * this.size + 1;
      const end = first + this.size - 1;
      const settled = end <= last && !open.has(b);
      let sums = settled ? this.kept.get(b) : undefined;
      if (!sums && !settled && this.size > SUB_BLOCK && this.size % SUB_BLOCK === 0) {
        this.kept.delete(b);
        for (let p = first; p <= Math.min(end, last); p += SUB_BLOCK) {
          const partSettled = p + SUB_BLOCK - 1 <= last && !openParts.has((p - 1) / SUB_BLOCK);
          let part = partSettled ? this.keptParts.get(p) : undefined;
          if (!part) {
            part = await this.read(db, p, p + SUB_BLOCK - 1);
            if (partSettled) this.keptParts.set(p, part);
            await pace();
          }
          if (partSettled) parts.add(p);
          addInto(out, part);
        }
        continue;
      }
      if (!sums) {
        sums = settled ? await this.readSettled(db, first, end, pace) : await this.read(db, first, end);
        if (settled) this.kept.set(b, sums);
        else this.kept.delete(b);
        await pace();
      }
      addInto(out, sums);
    }
    // Sub-blocks of blocks since settled (kept whole now) are not needed again.
    for (const p of this.keptParts.keys()) if (!parts.has(p)) this.keptParts.delete(p);
    return out;
  }

  /**
   * A settled block read once (a cold start reads every one): a sub-block per event-loop turn, so
   * one turn is a fraction of a millisecond of SQLite work even on a busy machine.
   */
  private async readSettled(db: Db, first: number, end: number, pace: Pace): Promise<Sums> {
    if (this.size <= SUB_BLOCK || this.size % SUB_BLOCK !== 0) return await this.read(db, first, end);
    const out: Sums = new Map();
    for (let p = first; p <= end; p += SUB_BLOCK) {
      // A sub-block kept while the block held an open incident is still right.
      let part = this.keptParts.get(p);
      if (!part) {
        if (p > first) await pace();
        part = await this.read(db, p, p + SUB_BLOCK - 1);
      }
      addInto(out, part);
    }
    return out;
  }

  private async read(db: Db, first: number, last: number): Promise<Sums> {
    return new Map((await this.source.sum(db, first, last)).map((r) => [r.key, r.values.map(Number)]));
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
