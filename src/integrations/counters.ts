// In-memory tallies of alert deliveries, per running app, for /metrics. Counters reset on restart
// as Prometheus counters may; what must survive (incidents opened) is counted from the database.
export type AlertCounters = {
  /** Alerts received, by integration and alert status (firing, resolved, acknowledge, heartbeat). */
  received: Map<string, number>;
  /** Alerts that landed on an incident already open (repeats and newcomers to an open group). */
  deduplicated: Map<string, number>;
  /** Refused calls, by integration and reason (unauthorized, invalid, too_large, off). */
  rejected: Map<string, number>;
  rateLimited: Map<string, number>;
};

const byOwner = new WeakMap<object, AlertCounters>();

/** One set of counters per app (two apps in one test process never share them). */
export function alertCounters(owner: object): AlertCounters {
  let c = byOwner.get(owner);
  if (!c) byOwner.set(owner, (c = { received: new Map(), deduplicated: new Map(), rejected: new Map(), rateLimited: new Map() }));
  return c;
}

/** Label values joined by a NUL byte, which no integration id or status contains. */
export const labelKey = (...values: string[]) => values.join('\u0000');

export function bump(m: Map<string, number>, key: string, by = 1): void {
  if (by > 0) m.set(key, (m.get(key) ?? 0) + by);
}
