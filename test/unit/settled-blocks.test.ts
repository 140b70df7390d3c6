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
