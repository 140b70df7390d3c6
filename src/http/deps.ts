// What the HTTP routes get from the running app: a narrow set, built once per app by
// KlaxonApp.httpDeps(), so no route reaches the scheduler, the adapters or the app's lifecycle.
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { Clock } from '../service/clock.js';
import type { Platform } from '../service/port.js';
import type { Service } from '../service/service.js';
import type { Db } from '../store/db.js';
import type { HttpServer } from './server.js';

/** Outbox delivery hooks, which /metrics chains onto to count deliveries. */
export type DeliveryHooks = {
  sent?(row: { platform: string }): void;
  failed?(row: { platform: string }, error: string, permanent: boolean): void;
};

export type HttpDeps = {
  /** The one listener's router. */
  readonly http: HttpServer;
  readonly service: Service;
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
  readonly env: Pick<Env, 'HOST' | 'KLAXON_TICK_SECONDS'> & Partial<Env>;
  /** Where the variables the policy names (integration tokens) are read. */
  readonly secrets: NodeJS.ProcessEnv;
  readonly events: DeliveryHooks;
  /** The platforms attached, for /healthz and /metrics. */
  platforms(): Platform[];
  /** A platform connection's state ("connected", "reconnecting", …); "ok" for one without a connection. */
  connectionState(platform: Platform): string;
  /** When the scheduler last completed a step, and why the last one did not (for readiness). */
  lastTick(): { at: Date | null; error: string | null };
  /** Each platform's delivery lane: failing after repeated errors, with the last one. */
  deliveryLanes(): Record<string, { state: 'ok' | 'failing'; failures: number; retryAt: Date | null; lastError: string | null }>;
  /** This process's name, and whether it leads (always, without replicas): for /healthz and /metrics. */
  replica(): { id: string; leader: boolean };
  /** The port the listener got (0 before it listens). */
  port(): number;
  /**
   * Work the app runs once in the background when it starts (`leader`: each time it gains the
   * lead), so the first request finds a long history already read. It must let the event loop
   * turn as it goes (a read per turn), and must be what a first request would do anyway.
   */
  warmUp(name: string, run: () => Promise<void>, o?: { leader?: boolean }): void;
};
