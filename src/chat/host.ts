// What a chat platform gets from the running app when it attaches: the service, a logger, the
// HTTP listener (Slack's Events API mounts on it) and a way to register its adapter. KlaxonApp
// has all of these; chat code never imports the app itself.
import type { Logger } from 'pino';
import type { HttpServer } from '../http/server.js';
import type { ChatAdapter, Connection, Platform } from '../service/port.js';
import type { Service } from '../service/service.js';

export type ChatHost = {
  readonly service: Service;
  readonly log: Logger;
  readonly http: HttpServer;
  /** The platforms attached so far, with their connections. */
  readonly connections: ReadonlyMap<Platform, Connection>;
  /** Delivers the outbox now (the console waits for it after each line). */
  readonly dispatcher: { dispatch(): Promise<unknown> };
  addAdapter(adapter: ChatAdapter, connection?: Connection): void;
};
