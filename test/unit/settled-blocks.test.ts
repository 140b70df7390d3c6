// A scrape that arrives while the warm-up is summing the history waits for it and then sums only
// what is left, rather than summing every block a second time alongside it.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { type BlockSource, SettledBlocks } from '../../src/store/settled-blocks.js';

describe('settled blocks', () => {
  it('sum each settled block once when two totals are asked for at the same time', async () => {
    const summed: number[] = [];
    // Ids 1–10 in blocks of 2, none open: five settled blocks, one incident each per severity.
    const source: BlockSource = {
      lastId: async () => 10,
      openIds: async () => [],
      sum: async (_db, first) => {
        summed.push(first);
        return [{ key: 'sev1', values: [2] }];
      },
    };
    const blocks = new SettledBlocks(source, 2);
    const db = {} as Db;
    const [a, b] = await Promise.all([blocks.total(db), blocks.total(db)]);
    expect(a.get('sev1')).toEqual([10]);
    expect(b.get('sev1')).toEqual([10]);
    expect(summed).toEqual([1, 3, 5, 7, 9]);
    expect(blocks.keptBlocks).toBe(5);
  });
});

describe('settled sub-blocks', () => {
  it('re-read only the sub-blocks holding open incidents or the newest ids, and agree with a full sum', async () => {
    const read: string[] = [];
    let last = 600;
    let open = [300, 590];
    // Each id counts once, so every total is the number of ids.
    const source: BlockSource = {
      lastId: async () => last,
      openIds: async () => open,
      sum: async (_db, first, end) => {
        read.push(`${first}-${end}`);
        return [{ key: 'all', values: [Math.max(0, Math.min(end, last) - first + 1)] }];
      },
    };
    const blocks = new SettledBlocks(source, 256);
    const db = {} as Db;
    expect((await blocks.total(db)).get('all')).toEqual([600]);
    // Block 1–256 read once (a sub-block per turn, then kept whole); blocks 257–512 (open #300)
    // and 513–768 (not full) as sub-blocks of 128.
    expect(read.splice(0)).toEqual(['1-128', '129-256', '257-384', '385-512', '513-640']);
    expect((await blocks.total(db)).get('all')).toEqual([600]);
    expect(read.splice(0)).toEqual(['257-384', '513-640']);
    // #300 resolves and ids up to 700 arrive: block 257–512 is settled and kept (its sub-block
    // 385–512 was kept already).
    open = [590];
    last = 700;
    expect((await blocks.total(db)).get('all')).toEqual([700]);
    expect(read.splice(0)).toEqual(['257-384', '513-640', '641-768']);
    expect((await blocks.total(db)).get('all')).toEqual([700]);
    expect(read.splice(0)).toEqual(['513-640', '641-768']);
  });
});
