// Policy actions against a local HTTP server: confirmation, the secret from the environment (sent,
// never recorded), the outcome on the timeline, and clear errors. Klaxon's own switches are apart.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineOf } from '../../src/service/timeline.js';
import { harness } from '../helpers/harness.js';
import { prepareAction } from '../../src/service/actions.js';
import { getIncident } from '../../src/service/incident-view.js';
import { Service } from '../../src/service/service.js';
import { bootstrapTimers } from '../../src/scheduler/tick.js';
import { actionRuns } from '../../src/store/tables.js';

type Seen = { method?: string; url?: string; auth?: string; body: string };
let server: Server;
let base = '';
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      res.statusCode = req.url === '/broken' ? 500 : 200;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const policy = (path: string, extra = '') => `
timezone: UTC
people: { ana: { name: Ana }, bob: { name: Bob } }
groups: { responders: [ana] }
actions:
  product-safe-mode:
    description: turn on the product's safe mode
    url: ${base}${path}
    headers_env: { Authorization: KLAXON_TEST_PRODUCT_TOKEN }
    body: '{"safe_mode": true}'
    permission: [responders]
${extra}
severities:
  - { id: sev1, description: Outage }
`;

describe('policy actions', () => {
  it('asks to confirm, then calls once with the secret, and records the outcome without it', async () => {
    process.env.KLAXON_TEST_PRODUCT_TOKEN = 'Bearer s3cret-token';
    const h = harness({ yaml: policy('/admin/safe-mode') });
    await h.run('ana', 'declare sev1 Wrong replies sent to customers');
    const asked = await h.run('ana', 'action product-safe-mode');
    expect(asked).toMatchObject({ ok: true, text: expect.stringContaining('To go ahead: `action #1 product-safe-mode confirm`') });
    const before = seen.length;
    expect((await h.run('ana', 'action #1 product-safe-mode confirm')).text).toContain('Running product-safe-mode');
    await h.svc.actionsSettled();
    // Exactly one call: the unconfirmed command sent nothing.
    expect(seen.slice(before)).toEqual([{ method: 'POST', url: '/admin/safe-mode', auth: 'Bearer s3cret-token', body: '{"safe_mode": true}' }]);
    const events = (await timelineOf(h.db, 1)).filter((e) => e.kind.startsWith('action'));
    expect(events.map((e) => e.text)).toEqual([
      expect.stringMatching(/^Ana ran action product-safe-mode \(POST 127\.0\.0\.1:\d+\/admin\/safe-mode\)$/),
      expect.stringMatching(/^product-safe-mode done: POST 127\.0\.0\.1:\d+\/admin\/safe-mode answered 200 OK/),
    ]);
    expect((await h.texts('incident')).at(-1)).toMatch(/^✅ product-safe-mode done/);
    const everything = JSON.stringify([await timelineOf(h.db, 1), await h.posts()]);
    expect(everything).not.toContain('s3cret');
  });

  it('a failing endpoint is reported as FAILED in the channel and on the timeline', async () => {
    process.env.KLAXON_TEST_PRODUCT_TOKEN = 'Bearer t';
    const h = harness({ yaml: policy('/broken') });
    await h.run('ana', 'declare sev1 Wrong replies');
    await h.run('ana', 'action product-safe-mode confirm');
    await h.svc.actionsSettled();
    expect((await h.texts('incident')).at(-1)).toMatch(/^⚠️ product-safe-mode FAILED: POST .*\/broken answered 500 Internal Server Error/);
    expect((await timelineOf(h.db, 1)).at(-1)!.kind).toBe('action_failed');
  });

  it('refuses clearly and calls nothing: unknown action, no permission, missing secret', async () => {
    const h = harness({ yaml: policy('/admin/safe-mode') });
    await h.run('ana', 'declare sev1 Wrong replies');
    const before = seen.length;
    expect(await h.run('ana', 'action nope confirm')).toMatchObject({ ok: false, text: expect.stringContaining('There is no action "nope". Actions: product-safe-mode.') });
    expect(await h.run('bob', 'action product-safe-mode confirm')).toMatchObject({ ok: false, text: expect.stringContaining('needs membership of "responders"') });
    delete process.env.KLAXON_TEST_PRODUCT_TOKEN;
    expect(await h.run('ana', 'action product-safe-mode confirm')).toMatchObject({ ok: false, text: expect.stringContaining('needs the environment variable KLAXON_TEST_PRODUCT_TOKEN') });
    await h.svc.actionsSettled();
    expect(seen.length).toBe(before);
    expect((await timelineOf(h.db, 1)).some((e) => e.kind.startsWith('action'))).toBe(false);
  });

  it('a call cut off by a stop is reported as unknown on the next start, once; finished ones are not', async () => {
    process.env.KLAXON_TEST_PRODUCT_TOKEN = 'Bearer t';
    const h = harness({ yaml: policy('/admin/safe-mode') });
    await h.run('ana', 'declare sev1 Wrong replies');
    await h.run('ana', 'action product-safe-mode confirm');
    await h.svc.actionsSettled();
    // The state a stop mid-call leaves: the command committed (pending), the outcome never written.
    await h.svc.transact(async (ctx) => prepareAction(ctx, h.as('ana'), (await getIncident(ctx.tx, 1))!, 'product-safe-mode', true));
    const pending = async () => (await h.db.select().from(actionRuns)).map((r) => r.status);
    expect(await pending()).toEqual(['done', 'pending']);
    const restarted = new Service(h.svc.deps);
    await bootstrapTimers(restarted);
    expect(await pending()).toEqual(['done', 'unknown']);
    const unknown = (await timelineOf(h.db, 1)).filter((e) => e.kind === 'action_unknown');
    expect(unknown.map((e) => e.text)).toEqual([expect.stringMatching(/^product-safe-mode outcome unknown: Klaxon stopped while POST 127\.0\.0\.1:\d+\/admin\/safe-mode was running \(started .*\)\. Check the product/)]);
    expect((await h.texts('incident')).at(-1)).toMatch(/^⚠️ product-safe-mode outcome unknown: .*\(run by Ana\)$/);
    await bootstrapTimers(new Service(h.svc.deps));
    expect((await timelineOf(h.db, 1)).filter((e) => e.kind === 'action_unknown')).toHaveLength(1);
  });

  it('check-policy refuses a bad URL and an unknown group', () => {
    expect(() => harness({ yaml: policy('/x').replace(/url: .*/, 'url: not a url') })).toThrow(/actions\.product-safe-mode\.url: "not a url" is not an http\(s\) URL/);
    expect(() => harness({ yaml: policy('/x').replace('permission: [responders]', 'permission: [nobody]') })).toThrow(/actions\.product-safe-mode\.permission\[0\]: unknown group "nobody"/);
  });
});
