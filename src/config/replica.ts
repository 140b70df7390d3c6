// Which process this is, when several Klaxons share one PostgreSQL: named in logs, /healthz and
// /metrics so an operator (and a dashboard) can tell the replicas apart and see which one leads.
import { hostname } from 'node:os';

/** KLAXON_REPLICA_ID when set (a pod or container name), else the host name and process id. */
export function defaultReplicaId(configured?: string): string {
  return configured?.trim() || `${hostname()}-${process.pid}`;
}
