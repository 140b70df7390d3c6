import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE, startApp, T0, type TestApp, TOKEN } from './helpers.js';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

describe('API authentication', () => {
  it('refuses a request without a token, with a wrong one and with a wrong scheme; accepts the right one', async () => {
    t = await startApp();
    const none = await t.get('/api/v1/incidents');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.json()).toEqual({ error: expect.stringContaining('bearer token') });

    // Same length and different length: both refused (the comparison is on digests).
    const wrongSameLength = TOKEN.slice(0, -1) + (TOKEN.endsWith('f') ? 'e' : 'f');
    for (const auth of [`Bearer ${wrongSameLength}`, 'Bearer short', `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN}x`]) {
      const r = await t.get('/api/v1/incidents', { authorization: auth });
      expect(r.status, auth).toBe(401);
    }
    const ok = await t.get('/api/v1/incidents', { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ incidents: [] });
    // Refused before the body is looked at: no incident is declared without a token.
    const post = await fetch(`${t.base}/api/v1/incidents`, { method: 'POST', body: JSON.stringify({ title: 'x', severity: 'sev1' }) });
    expect(post.status).toBe(401);
    expect((await (await t.api('/api/v1/incidents')).json()).incidents).toEqual([]);
  });

  it('is off (404 with a JSON reason) when KLAXON_API_TOKEN is unset, whatever token is sent', async () => {
    t = await startApp({ token: null });
    for (const path of ['/api/v1/incidents', '/api/v1/incidents/1', '/api/v1/stats']) {
      const r = await t.get(path, { authorization: 'Bearer anything-at-all-1234' });
      expect(r.status, path).toBe(404);
      expect((await r.json()).error).toMatch(/KLAXON_API_TOKEN/);
    }
    const post = await fetch(`${t.base}/api/v1/incidents`, { method: 'POST', body: '{"title":"x"}', headers: { authorization: 'Bearer anything-at-all-1234' } });
    expect(post.status).toBe(404);
  });
});

describe('POST /api/v1/incidents', () => {
  it('declares through the service as the API, pages the severity and answers 201 with the incident', async () => {
    t = await startApp();
    const r = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Checkout returns 500s', severity: 'critical' }) });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe('/api/v1/incidents/1');
    const inc = await r.json();
    expect(inc).toMatchObject({
      number: 1,
      title: 'Checkout returns 500s',
      severity: 'sev1',
      severityName: 'SEV1',
      status: 'investigating',
      declaredAt: new Date(T0).toISOString(),
      declaredBy: 'api',
      acknowledgedAt: null,
      commander: null, // an integration declares; a person takes command
    });
    expect(inc.timeline[0]).toMatchObject({ kind: 'declared', actor: 'api', text: expect.stringContaining('by API') });
    // Sev 1 pages the default escalation policy: tier 1 is carol (primary on 2026-03-04).
    expect(inc.pages).toEqual([expect.objectContaining({ policy: 'default', status: 'open', tier: 1, notified: [expect.objectContaining({ person: 'carol', tier: 1 })] })]);
  });

  it('takes labels (what notify rules filter on); a bad one is refused with 400 and declares nothing', async () => {
    t = await startApp();
    const bad = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Leak', labels: { '9x': 'y' } }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain('"9x" is not a label name');
    const r = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Leak', labels: { kind: 'security' } }) });
    expect(await r.json()).toMatchObject({ number: 1, labels: { kind: 'security' } });
  });

  it('uses the policy default severity when none is given', async () => {
    t = await startApp();
    const r = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Slow search', description: 'p95 at 4s', link: 'https://grafana.example.com/d/1' }) });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ severity: 'sev3', description: 'p95 at 4s', link: 'https://grafana.example.com/d/1', pages: [] });
  });

  it.each([
    [{ severity: 'sev1' }, /^title: is required$/],
    [{ title: '   ', severity: 'sev1' }, /^title: must not be empty$/],
    [{ title: 42 }, /^title: must be a string$/],
    [{ title: 'x'.repeat(201) }, /^title: must be at most 200 characters$/],
    [{ title: 'API down', severity: 'sev9' }, /^severity: unknown severity "sev9"; known: sev1, sev2, sev3, sev4$/],
    [{ title: 'API down', severity: 1 }, /^severity: must be a string$/],
    [{ title: 'API down', sevirity: 'sev1' }, /^sevirity: unknown field$/],
    [{ title: 'API down', link: 'javascript:alert(1)' }, /^link: must be an http\(s\) URL$/],
    [['API down'], /^body: /],
  ])('400 names the field for %j', async (body, message) => {
    t = await startApp();
    const r = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify(body) });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(message);
    // Nothing half-done: no incident was stored.
    expect((await (await t.api('/api/v1/incidents')).json()).incidents).toHaveLength(0);
  });

  it('400 for a body that is not JSON, 413 for one that is too large', async () => {
    t = await startApp();
    const bad = await t.api('/api/v1/incidents', { method: 'POST', body: '{"title": ' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'body: not valid JSON' });
    const huge = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'x', description: 'y'.repeat(100_000) }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatch(/^body: larger than/);
  });

  it('403 when the policy does not let the API declare', async () => {
    const yaml = `
people: { alice: { name: Alice } }
groups: { responders: [alice] }
permissions: { declare: [responders] }
severities: [{ id: sev1, description: Outage }]
`;
    t = await startApp({ yaml });
    const r = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Down' }) });
    expect(r.status).toBe(403);
    expect((await r.json()).error).toMatch(/not allowed to declare/);
  });

  it('409 when the link was already declared, naming the incident; nothing new is opened', async () => {
    t = await startApp();
    const post = () => t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Down', link: 'https://alerts.example/1' }) });
    expect((await post()).status).toBe(201);
    const again = await post();
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatch(/already declared as #1/);
    expect(((await (await t.api('/api/v1/incidents')).json()).incidents as unknown[]).length).toBe(1);
  });

  it('a link used by a resolved incident opens a new one; only an open incident blocks it', async () => {
    t = await startApp();
    const post = () => t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Disk full', link: 'https://alerts.example/disk' }) });
    expect((await post()).status).toBe(201);
    t.run('bob', 'resolve #1 Cleaned up');
    const second = await post();
    expect(second.status).toBe(201);
    expect((await second.json()).number).toBe(2);
    const third = await post();
    expect(third.status).toBe(409);
    expect((await third.json()).error).toMatch(/already declared as #2 \(Disk full\), which is still open/);
  });

  it('the database itself refuses a second open incident for one link (not a check before the insert)', async () => {
    t = await startApp();
    t.db.$client.prepare("insert into incidents (title, severity, status, declared_at, declared_by, last_update_at, source_link) values ('a', 'sev1', 'investigating', 0, 'api', 0, 'https://x.example/1')").run();
    expect(() =>
      t.db.$client.prepare("insert into incidents (title, severity, status, declared_at, declared_by, last_update_at, source_link) values ('b', 'sev1', 'investigating', 0, 'api', 0, 'https://x.example/1')").run(),
    ).toThrow(/UNIQUE constraint failed: incidents.source_link/);
  });

  it('a policy grants the API the right to declare by putting `api` in a group', async () => {
    const yaml = `
people: { alice: { name: Alice } }
groups: { responders: [alice], integrations: [api] }
permissions: { declare: [responders, integrations] }
severities: [{ id: sev1, description: Outage }]
`;
    t = await startApp({ yaml });
    const r = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'Down' }) });
    expect(r.status).toBe(201);
  });
});

describe('GET /api/v1/incidents', () => {
  it('filters by status (open, resolved, all; all by default), newest first, times in ISO UTC', async () => {
    t = await startApp();
    t.run('bob', 'declare sev2 Search is slow');
    t.clock.advance(5 * MINUTE);
    t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(10 * MINUTE);
    t.run('alice', 'ack #2');
    t.clock.advance(HOUR);
    t.run('bob', 'resolve #1 Reindexed');

    const numbers = async (q: string) => ((await (await t.api(`/api/v1/incidents${q}`)).json()).incidents as { number: number }[]).map((i) => i.number);
    expect(await numbers('?status=open')).toEqual([2]);
    expect(await numbers('?status=resolved')).toEqual([1]);
    expect(await numbers('?status=all')).toEqual([2, 1]);
    expect(await numbers('')).toEqual([2, 1]);
    expect(await numbers('?status=all&limit=1')).toEqual([2]);

    const [open] = (await (await t.api('/api/v1/incidents?status=open')).json()).incidents;
    expect(open).toMatchObject({ number: 2, severity: 'sev1', status: 'investigating', commander: 'bob', roles: { commander: { id: 'bob', name: 'Bob Baker' } } });
    expect(open.declaredAt).toBe('2026-03-04T10:05:00.000Z');
    expect(open.acknowledgedAt).toBe('2026-03-04T10:15:00.000Z');
    const [resolved] = (await (await t.api('/api/v1/incidents?status=resolved')).json()).incidents;
    for (const k of ['declaredAt', 'resolvedAt', 'mitigatedAt', 'lastUpdateAt']) expect(resolved[k], k).toMatch(ISO_UTC);
    expect(resolved.summary).toBe('Reindexed');
  });

  it.each([
    ['/api/v1/incidents?status=closed', /^status: must be open, resolved or all$/],
    ['/api/v1/incidents?limit=0', /^limit: must be at least 1$/],
    ['/api/v1/incidents?limit=lots', /^limit: must be a number$/],
    ['/api/v1/incidents/abc', /^number: must be an incident number$/],
    ['/api/v1/incidents/0', /^number: must be an incident number$/],
    ['/api/v1/incidents/%', /^number: must be an incident number$/],
    ['/api/v1/stats?window=soon', /^window: "soon" is not a wall-clock duration/],
    ['/api/v1/stats?window=3%20business%20days', /^window: /],
  ])('400 names the parameter: %s', async (path, message) => {
    t = await startApp();
    const r = await t.api(path);
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(message);
  });

  it('one incident has its timeline and pages; an unknown number is a 404', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(20 * MINUTE);
    await t.app.tick(); // tier 2 (alice) at +15m
    t.run('alice', 'ack');
    t.run('bob', 'update identified Bad deploy, rolling back');
    const r = await t.api('/api/v1/incidents/1');
    expect(r.status).toBe(200);
    const inc = await r.json();
    expect(inc.timeline.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['declared', 'page', 'ack', 'update']));
    expect(inc.timeline.find((e: { kind: string }) => e.kind === 'update')).toMatchObject({ public: true, at: '2026-03-04T10:20:00.000Z' });
    expect(inc.pages).toHaveLength(1);
    expect(inc.pages[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice', tier: 2, acknowledgedAt: '2026-03-04T10:20:00.000Z' });
    expect(inc.pages[0].notified.map((n: { person: string; tier: number }) => `${n.person}@${n.tier}`)).toEqual(['carol@1', 'alice@2']);

    const missing = await t.api('/api/v1/incidents/99');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'number: there is no incident #99' });
  });
});

describe('GET /api/v1/stats', () => {
  it('gives MTTA and MTTR per severity in seconds over the window (30d by default)', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 A'); // acked at +10m, resolved at +1h
    t.clock.advance(10 * MINUTE);
    t.run('carol', 'ack #1');
    t.clock.advance(50 * MINUTE);
    t.run('bob', 'resolve #1 fixed');
    t.run('bob', 'declare sev1 B'); // acked after 20m, resolved after 3h
    t.clock.advance(20 * MINUTE);
    t.run('carol', 'ack #2');
    t.clock.advance(160 * MINUTE);
    t.run('bob', 'resolve #2 fixed');

    const body = await (await t.api('/api/v1/stats')).json();
    expect(body.window).toBe('30d');
    expect(body.to).toBe(t.clock.now().toISOString());
    expect(body.severities.map((s: { severity: string }) => s.severity)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
    // By hand: MTTA (10m + 20m) / 2 = 15m = 900s; MTTR (1h + 3h) / 2 = 2h = 7200s.
    expect(body.severities[0]).toMatchObject({ severity: 'sev1', incidents: 2, acknowledged: 2, resolved: 2, mttaSeconds: 900, mttrSeconds: 7200 });
    expect(body.severities[1]).toMatchObject({ incidents: 0, mttaSeconds: null, mttrSeconds: null });

    // A 1h window seen from 2h later holds neither.
    t.clock.advance(2 * HOUR);
    const narrow = await (await t.api('/api/v1/stats?window=1h')).json();
    expect(narrow.window).toBe('1h');
    expect(narrow.severities[0].incidents).toBe(0);
  });
});

describe('GET /api/v1/stats with an absurd window', () => {
  it('answers 400 naming the limit, and the service keeps answering', async () => {
    t = await startApp();
    const r = await t.api('/api/v1/stats?window=99999999999999999999w');
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/^window: "99999999999999999999w" is longer than a year/);
    expect((await t.api('/api/v1/stats?window=30d')).status).toBe(200);
  });
});

describe('POST /api/v1/incidents with control characters', () => {
  it('stores the title clean, and refuses one with nothing visible (400, nothing stored)', async () => {
    t = await startApp();
    const ok = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: '\u001b[31mDisk\u0000 full\u0007\u202e', severity: 'sev2' }) });
    expect(ok.status).toBe(201);
    expect((await ok.json()).title).toBe('Disk full');
    const blank = await t.api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: '\u200b\u0007 ', severity: 'sev2' }) });
    expect(blank.status).toBe(400);
    expect((await blank.json()).error).toBe('title: must not be empty');
    expect((await (await t.api('/api/v1/incidents')).json()).incidents).toHaveLength(1);
  });
});
