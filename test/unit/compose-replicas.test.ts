// examples/deploy/compose-replicas.yaml (README "Running two replicas") stays in step with Klaxon:
// every variable it sets is one Klaxon reads, both replicas use one database, and the PostgreSQL
// it runs is one the store supports.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EnvSchema, loadEnv } from '../../src/config/env.js';

type Service = { image?: string; environment?: Record<string, string>; hostname?: string; ports?: string[] };
const compose = parse(readFileSync('examples/deploy/compose-replicas.yaml', 'utf8'), { merge: true }) as { services: Record<string, Service> };

describe('the two-replica compose file', () => {
  it('runs two Klaxons on one PostgreSQL 15+, each with its own name and port, with variables Klaxon accepts', () => {
    const { postgres, ...klaxons } = compose.services;
    expect(Number(/^postgres:(\d+)/.exec(postgres.image ?? '')?.[1])).toBeGreaterThanOrEqual(15);
    const replicas = Object.values(klaxons);
    expect(replicas).toHaveLength(2);
    const known = Object.keys(EnvSchema.shape ?? {});
    for (const r of replicas) {
      for (const name of Object.keys(r.environment ?? {})) expect(known, name).toContain(name);
      const env = Object.fromEntries(Object.entries(r.environment!).map(([k, v]) => [k, v.replace(/\$\{POSTGRES_PASSWORD[^}]*\}/, 'pw')]));
      expect(loadEnv(env).KLAXON_DATABASE_URL).toBe('postgres://klaxon:pw@postgres:5432/klaxon');
    }
    expect(new Set(replicas.map((r) => r.hostname)).size).toBe(2);
    expect(new Set(replicas.map((r) => r.ports?.[0])).size).toBe(2);
  });
});
