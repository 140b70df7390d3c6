// Standby → leader: "something was queued". A standby serving HTTP (a Slack command, an alert)
// commits outbox rows and timers that only the leader acts on; left alone, the leader would find
// them at its next step, up to KLAXON_TICK_SECONDS later. So a standby sends a NOTIFY after such a
// commit, and every replica LISTENs (the leader acts on it; on a standby it is a no-op). Only a
// hint: the database stays the record, and the leader's steps find everything anyway.
import pg from 'pg';
import type { Logger } from 'pino';

export const WAKE_CHANNEL = 'klaxon_wake';
const RECONNECT_MS = 1000;

export type Wake = {
  /** Tells every replica (the leader among them) to look at the outbox and the timers now. */
  notify(): void;
  stop(): Promise<void>;
};

/** Listens on a connection of its own (LISTEN lives on one session); `onWake` runs at each NOTIFY. */
export function listenForWake(pool: pg.Pool, onWake: () => void, log?: Logger): Wake {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  // At most one NOTIFY on its way, and one more after it if asked meanwhile: bursts coalesce.
  let sending = false;
  let again = false;

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client(pool.options as pg.ClientConfig);
    c.on('notification', () => onWake());
    c.on('error', (e) => {
      log?.warn({ err: e }, 'the wake-up listener lost its connection; reconnecting');
      if (client === c) client = null;
      c.end().catch(() => {});
      retry = setTimeout(() => void connect(), RECONNECT_MS);
      retry.unref();
    });
    try {
      await c.connect();
      await c.query(`listen ${WAKE_CHANNEL}`);
      if (stopped) await c.end();
      else client = c;
    } catch (e) {
      log?.warn({ err: e }, 'could not listen for wake-ups; retrying (the leader still polls)');
      c.end().catch(() => {});
      retry = setTimeout(() => void connect(), RECONNECT_MS);
      retry.unref();
    }
  };
  void connect();

  const send = () => {
    sending = true;
    again = false;
    pool
      .query(`select pg_notify('${WAKE_CHANNEL}', '')`)
      .catch((e: unknown) => log?.debug({ err: e }, 'could not wake the leader; it finds the work at its next step'))
      .finally(() => {
        sending = false;
        if (again && !stopped) send();
      });
  };

  return {
    notify() {
      if (stopped) return;
      if (sending) again = true;
      else send();
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
