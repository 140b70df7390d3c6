// zod pieces shared by the Alertmanager and Grafana bodies (Grafana's webhook is Alertmanager's
// shape with extra fields). Objects are loose: senders add fields between versions, and a body
// must never be refused for a field Klaxon does not read.
import { z } from 'zod';

export const labelMap = z.record(z.string(), z.string());

/** Alertmanager's "zero time" (0001-01-01T00:00:00Z) means "not set". */
export const sourceTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 time');

export const alertStatus = z.enum(['firing', 'resolved']);
