// A heartbeat: a URL a cron job (or Alertmanager's always-firing Watchdog alert) calls to say
// "still alive". The body says nothing Klaxon needs; an optional `{"message": "..."}` is kept
// for the timeline. Missing calls, not bodies, open the incident (service/alerts.ts).
import { z } from 'zod';

export const HeartbeatBody = z.union([z.looseObject({ message: z.string().max(500).optional() }), z.array(z.unknown()), z.null()]);

export type HeartbeatBody = z.output<typeof HeartbeatBody>;

export function heartbeatMessage(b: HeartbeatBody): string | undefined {
  return b && !Array.isArray(b) ? b.message : undefined;
}
