// One table from integration type to its body schema and its mapping into AlertBatch.
import type { z } from 'zod';
import type { AlertBatch, IntegrationType } from '../domain/alert.js';
import { alertmanagerBatch, AlertmanagerBody } from './alertmanager.js';
import { eventsV2Batch, EventsV2Body } from './events-v2.js';
import { grafanaBatch, GrafanaBody } from './grafana.js';

type Source<S extends z.ZodType> = { schema: S; toBatch: (body: z.output<S>) => AlertBatch };
const source = <S extends z.ZodType>(schema: S, toBatch: (body: z.output<S>) => AlertBatch): Source<z.ZodType> =>
  ({ schema, toBatch }) as unknown as Source<z.ZodType>;

export const ALERT_SOURCES: Record<Exclude<IntegrationType, 'heartbeat'>, Source<z.ZodType>> = {
  alertmanager: source(AlertmanagerBody, alertmanagerBatch),
  grafana: source(GrafanaBody, grafanaBatch),
  events_v2: source(EventsV2Body, eventsV2Batch),
};
