// Fuzzing the two ways text gets in: chat command lines (console, Slack, Discord all parse these)
// and the API's JSON body. Every input gets an answer, nothing throws, and nothing refused leaves
// a trace in the database. Inputs lean on what broke Klaxon before: JavaScript's built-in names,
// control characters and terminal escapes, and numbers too big for a Date.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFor } from '../../src/service/actor.js';
import { harness } from '../helpers/harness.js';
import { startApp, type TestApp } from '../http/helpers.js';

const BUILT_INS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf'];
const WORDS = ['declare', 'update', 'mitigate', 'severity', 'role', 'page', 'ack', 'resolve', 'status', 'list', 'timeline', 'roles', 'postmortem', 'done', 'oncall', 'override', 'stats', 'automation', 'safe-mode', 'help', 'on', 'off', 'sev1', 'sev2', 'critical', 'primary', 'default', 'commander', 'investigating', 'monitoring', '@alice', '@bob', '<@U01ALICE>', 'schedule:primary', 'policy:default', '#1', '#2', '1', '2', '#0', '#-1', '2h', '30d', 'business'];
const NASTY = ['\u0000', '\u0007', '\u001b[31m', '\u001b]0;x\u0007', '\u202e', '\u2066', '\u200b', '\ufeff', '\ud800', '\r\n', '\t', '\u0085', '💥', 'é'];
const HUGE = ['99999999999999999999w', '1e309', '9007199254740993', '#99999999999999999999', '99999999999999999999', `${'9'.repeat(400)}d`, '1.5e308h', '-1h', '0m'];

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...BUILT_INS, ...BUILT_INS.map((b) => `@${b}`), ...BUILT_INS.map((b) => `schedule:${b}`)) },
  { weight: 2, arbitrary: fc.constantFrom(...HUGE) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const line = fc.tuple(fc.constantFrom('', '/incident ', '/INCIDENT '), fc.array(token, { minLength: 0, maxLength: 7 }), fc.constantFrom(' ', '', '  ', '\n')).map(([prefix, words, sep]) => prefix + words.join(sep || ' '));

// What XML 1.0 and a terminal cannot take: never stored.
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('fuzz: chat command lines', () => {
  it('every line gets an answer, nothing throws, and a refusal changes nothing', async () => {
    const h = harness();
    const changes = h.db.$client.prepare('select total_changes()').pluck();
    const people = ['alice', 'bob', 'carol', 'erin'];
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(line, fc.constantFrom(...people, 'constructor', '__proto__'), async (text, who) => {
        const before = changes.get() as number;
        const reply = await h.svc.run(actorFor(h.policy, 'console', who), text);
        expect(typeof reply.text).toBe('string');
        expect(reply.text.length).toBeGreaterThan(0);
        if (!reply.ok) expect(changes.get(), `refused but stored: ${JSON.stringify(text)} → ${reply.text}`).toBe(before);
        answered++;
      }),
      { numRuns: 2000, seed: 4242 },
    );
    expect(answered).toBe(2000);
    const stored = h.db.$client.prepare('select title as t from incidents union all select text from timeline_events').pluck().all() as string[];
    for (const t of stored) expect(t, JSON.stringify(t)).not.toMatch(FORBIDDEN);
    // Still serving.
    expect((await h.run('alice', 'list')).ok).toBe(true);
  }, 120_000);
});

describe('fuzz: POST /api/v1/incidents bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.stop();
  });

  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...NASTY, ...BUILT_INS, ...HUGE, 'Checkout down', 'sev1', 'critical'), fc.array(fc.constantFrom(...NASTY, 'a', ' '), { maxLength: 6 }).map((a) => a.join('')));
  const value = fc.oneof(text, fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.constant(1e308), fc.constant(Number.MAX_SAFE_INTEGER + 2), fc.array(fc.string(), { maxLength: 2 }), fc.constant({}));
  const key = fc.constantFrom('title', 'severity', 'description', 'link', ...BUILT_INS);
  const body = fc.oneof(
    { weight: 5, arbitrary: fc.record({ title: value, severity: fc.oneof(value, fc.constantFrom('sev1', 'sev2', 'sev3')), link: fc.oneof(fc.constant(undefined), fc.webUrl(), text) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: fc.dictionary(key, value, { maxKeys: 4 }).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__": {"title": "x"}, "title": "y"}', '{"constructor": {"prototype": {"x": 1}}}', '[]', 'null', '1e99999', '{', '', '"x"', '{"title": "\\u0000"}') },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );

  it('every body gets a JSON answer (201 or 4xx, never 5xx), and nothing refused is stored', async () => {
    const count = t.db.$client.prepare('select count(*) from incidents').pluck();
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const before = count.get() as number;
        const r = await t.api('/api/v1/incidents', { method: 'POST', body: raw });
        const json = (await r.json()) as { error?: string; number?: number; title?: string };
        if (r.status === 201) {
          expect(count.get()).toBe(before + 1);
          expect(json.title).not.toMatch(FORBIDDEN);
          // Keep each run independent of links declared earlier.
          await t.run('erin', `resolve #${json.number} fuzzed`);
        } else {
          expect(r.status, `${raw} → ${r.status} ${JSON.stringify(json)}`).toBeGreaterThanOrEqual(400);
          expect(r.status, raw).toBeLessThan(500);
          expect(typeof json.error).toBe('string');
          expect(count.get()).toBe(before);
        }
      }),
      { numRuns: 2000, seed: 4242 },
    );
    const windows = fc.oneof(fc.constantFrom(...HUGE, ...BUILT_INS, '30d', '%00', '1w'), fc.string({ maxLength: 10 }));
    await fc.assert(
      fc.asyncProperty(windows, async (w) => {
        const r = await t.api(`/api/v1/stats?window=${encodeURIComponent(w)}`);
        expect([200, 400]).toContain(r.status);
      }),
      { numRuns: 200, seed: 4242 },
    );
    expect((await t.get('/healthz')).status).toBe(200);
  }, 120_000);
});
