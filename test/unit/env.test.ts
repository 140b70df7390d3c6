import { describe, expect, it } from 'vitest';
import { BUNDLED_POLICY, EnvError, loadEnv } from '../../src/config/env.js';

describe('environment', () => {
  it('defaults everything when nothing is set', () => {
    const e = loadEnv({});
    expect(e).toMatchObject({ KLAXON_DB: './data/klaxon.db', HOST: '127.0.0.1', PORT: 3000, KLAXON_TICK_SECONDS: 5, LOG_LEVEL: 'info' });
    expect(e.policyPath).toBe(BUNDLED_POLICY);
  });

  it('treats blank values (a copied .env.example) as unset, never as a throwaway database or every interface', () => {
    const e = loadEnv({ KLAXON_DB: '', HOST: ' ', PORT: '', KLAXON_POLICY: '', SLACK_BOT_TOKEN: '', KLAXON_API_TOKEN: '' });
    expect(e).toMatchObject({ KLAXON_DB: './data/klaxon.db', HOST: '127.0.0.1', PORT: 3000 });
    expect(e.SLACK_BOT_TOKEN).toBeUndefined();
    expect(e.KLAXON_API_TOKEN).toBeUndefined();
  });

  it('a bad value is one line naming the variable and what is allowed, without echoing secrets', () => {
    expect(() => loadEnv({ PORT: 'eighty' })).toThrow(/^PORT: .*"eighty"/);
    expect(() => loadEnv({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: /);
    expect(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 's' })).toThrow(/^SLACK_BOT_TOKEN: must start with xoxb- \(got "\*\*\*"\)$/);
    expect(() => loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/^SLACK_SIGNING_SECRET: is required/);
    expect(() => loadEnv({ DISCORD_TOKEN: 't' })).toThrow(/^DISCORD_APPLICATION_ID: is required/);
    expect(() => loadEnv({ KLAXON_API_TOKEN: 'short' })).toThrow(EnvError);
  });

  it('PostgreSQL settings: a postgres URL (never echoed, it holds a password) and the leader lease', () => {
    expect(loadEnv({}).KLAXON_LEADER_LEASE).toBe(15_000);
    expect(loadEnv({}).KLAXON_DATABASE_URL).toBeUndefined();
    expect(loadEnv({ KLAXON_DATABASE_URL: 'postgresql://k:pw@db:5432/klaxon', KLAXON_LEADER_LEASE: '20s' })).toMatchObject({
      KLAXON_DATABASE_URL: 'postgresql://k:pw@db:5432/klaxon',
      KLAXON_LEADER_LEASE: 20_000,
    });
    expect(loadEnv({ KLAXON_LEADER_LEASE: '30' }).KLAXON_LEADER_LEASE).toBe(30_000);
    expect(() => loadEnv({ KLAXON_DATABASE_URL: 'mysql://k:pw@db/klaxon' })).toThrow(/^KLAXON_DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL \(got "\*\*\*"\)$/);
    expect(() => loadEnv({ KLAXON_LEADER_LEASE: '1s' })).toThrow(/^KLAXON_LEADER_LEASE: must be a duration between 3s and 5m/);
  });
});
