// A standby's NOTIFY reaches the leader's LISTEN (src/store/wake.ts): what lets the leader deliver a
// page a standby queued at once, rather than at its next scheduler step.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenForWake, type Wake } from '../../src/store/wake.js';
import { usePostgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const db = usePostgres();
let pools: pg.Pool[];
const wakes: Wake[] = [];
beforeAll(() => {
  pools = [new pg.Pool({ connectionString: db.url, max: 2 }), new pg.Pool({ connectionString: db.url, max: 2 })];
});
afterAll(async () => {
  for (const w of wakes) await w.stop();
  for (const p of pools) await p.end();
});

describe('wake-ups between replicas', () => {
  it("one replica's notify wakes the other", async () => {
    let leaderWoken = 0;
    const leader = listenForWake(pools[0], () => leaderWoken++);
    const standby = listenForWake(pools[1], () => undefined);
    wakes.push(leader, standby);
    // The listener connects in the background: the standby notifies until the leader hears one.
    // Each poll sends one more; the first one the leader hears ends the wait.
    await waitFor(() => {
      if (leaderWoken > 0) return true;
      standby.notify();
      return false;
    }, 'the leader to hear a wake-up', 10_000);
    expect(leaderWoken).toBeGreaterThan(0);
  });
});
