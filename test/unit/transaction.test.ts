// Async transactions on one SQLite connection (store/transaction.ts): commands that await inside
// their transactions take turns, a rollback takes only its own writes, and a write from outside
// an open transaction waits (exclusive) or is refused (the guard) instead of joining it.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, type Db, openDb } from '../../src/store/db.js';
import { settings } from '../../src/store/schema.js';
import { exclusive, savepoint, transaction } from '../../src/store/transaction.js';

let db: Db;
afterEach(() => closeDb(db));

const put = (d: Db, key: string) => d.insert(settings).values({ key, value: 'x', updatedAt: new Date(0) });
const keys = async () => (await db.select({ key: settings.key }).from(settings)).map((r) => r.key).sort();
/** Lets every other runnable async step go first, as a real await on the network would. */
const yieldTurn = () => new Promise<void>((r) => setImmediate(r));

describe('transaction()', () => {
  it('two commands awaiting inside their transactions take turns: a rollback takes only its own writes', async () => {
    db = openDb(':memory:');
    const failing = transaction(db, async (tx) => {
      await put(tx as unknown as Db, 'a1');
      await yieldTurn();
      await put(tx as unknown as Db, 'a2');
      throw new Error('refused');
    });
    const passing = transaction(db, async (tx) => {
      await put(tx as unknown as Db, 'b1');
      await yieldTurn();
      await put(tx as unknown as Db, 'b2');
    });
    await expect(failing).rejects.toThrow('refused');
    await passing;
    expect(await keys()).toEqual(['b1', 'b2']);
  });

  it('a savepoint rolls back only what it did', async () => {
    db = openDb(':memory:');
    await transaction(db, async (tx) => {
      await put(tx as unknown as Db, 'outer');
      await expect(
        savepoint(tx, async (sp) => {
          await put(sp as unknown as Db, 'inner');
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
    });
    expect(await keys()).toEqual(['outer']);
  });
});

describe('writes outside an open transaction', () => {
  it('exclusive() waits for the open transaction, and survives its rollback', async () => {
    db = openDb(':memory:');
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const failing = transaction(db, async (tx) => {
      await put(tx as unknown as Db, 'rolled-back');
      inside();
      await yieldTurn();
      throw new Error('refused');
    });
    await entered;
    await exclusive(db, async () => void (await put(db, 'standalone')));
    await expect(failing).rejects.toThrow('refused');
    expect(await keys()).toEqual(['standalone']);
  });

  it('a plain write while another transaction is open is refused, not silently made part of it', async () => {
    db = openDb(':memory:');
    let inside!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const held = new Promise<void>((r) => (release = r));
    const open = transaction(db, async (tx) => {
      await put(tx as unknown as Db, 'mine');
      inside();
      await held;
    });
    await entered;
    await expect(put(db, 'stray')).rejects.toThrow(/a write ran outside the open transaction/);
    release();
    await open;
    expect(await keys()).toEqual(['mine']);
  });
});
