import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE, startApp, type TestApp } from './helpers.js';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

type PublicIncident = { number: number; title: string; severity: string; status: string; resolvedAt: string | null; updates: { at: string; kind: string; status: string; text: string }[] };
type StatusJson = {
  title: string;
  indicator: string;
  incidents: PublicIncident[];
  resolved: PublicIncident[];
  days: { date: string; severity: string | null; incidents: number[] }[];
};
const statusJson = async (t: TestApp): Promise<StatusJson> => (await t.get('/status.json')).json();
const openNumbers = async (t: TestApp) => (await statusJson(t)).incidents.map((i) => i.number);

describe('status page visibility (status.json)', () => {
  it('shows a public incident only once it has been open for publish_after (30m)', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 Checkout down'); // #1 public
    t.run('bob', 'declare sev3 Admin report slow'); // #2 internal severity
    t.clock.advance(29 * MINUTE);
    expect(await openNumbers(t)).toEqual([]);
    expect((await statusJson(t)).indicator).toBe('none');
    t.clock.advance(MINUTE);
    expect(await openNumbers(t)).toEqual([1]);
    t.clock.advance(10 * HOUR);
    expect(await openNumbers(t)).toEqual([1]); // sev3 never shows, however long it lasts
    expect((await statusJson(t)).indicator).toBe('sev1');
  });

  it('keeps an incident resolved after 30m (in resolved and the history) and never shows one resolved sooner', async () => {
    t = await startApp();
    t.run('bob', 'declare sev2 Search slow'); // #1: resolved after 45m
    t.run('bob', 'declare sev1 Blip'); // #2: resolved after 10m
    t.clock.advance(10 * MINUTE);
    t.run('bob', 'resolve #2 Went away');
    t.clock.advance(35 * MINUTE);
    t.run('bob', 'resolve #1 Reindexed');
    t.clock.advance(2 * HOUR);
    const s = await statusJson(t);
    expect(s.incidents).toEqual([]);
    expect(s.resolved.map((i) => i.number)).toEqual([1]);
    const today = s.days.at(-1)!;
    expect(today).toEqual({ date: '2026-03-04', severity: 'sev2', incidents: [1] });
    expect(s.days).toHaveLength(90);
    expect(s.days[0].date).toBe('2025-12-05');
    expect(s.days.slice(0, -1).every((d) => d.severity === null)).toBe(true);
  });

  it('goes public when raised to a public severity, and off it when lowered', async () => {
    t = await startApp();
    t.run('bob', 'declare sev3 Payments flaky');
    t.clock.advance(40 * MINUTE);
    expect(await openNumbers(t)).toEqual([]);
    t.run('bob', 'severity sev2');
    expect(await openNumbers(t)).toEqual([1]);
    t.run('bob', 'severity sev4');
    expect(await openNumbers(t)).toEqual([]);
  });

  it('shows only public timeline events as updates, newest first', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(5 * MINUTE);
    t.run('carol', 'ack'); // internal: acknowledgement
    t.run('bob', 'role comms @alice'); // internal: role
    t.clock.advance(15 * MINUTE);
    t.run('bob', 'update identified Bad deploy found, rolling back');
    t.clock.advance(11 * MINUTE);
    const [inc] = (await statusJson(t)).incidents;
    expect(inc).toMatchObject({ number: 1, severity: 'sev1', status: 'identified' });
    expect(inc.updates.map((u) => u.kind)).toEqual(['update', 'declared']);
    expect(inc.updates[0]).toEqual({ at: '2026-03-04T10:20:00.000Z', kind: 'update', status: 'identified', text: 'Bad deploy found, rolling back' });
    expect(JSON.stringify(inc)).not.toMatch(/acknowledged|comms|Paged|Tier/);
  });

  it('words updates for the public: no responder names, no paging details, each with the status it reported', async () => {
    t = await startApp();
    t.run('bob', 'declare sev2 Checkout slow');
    t.clock.advance(10 * MINUTE);
    t.run('alice', 'update Looking at the payment provider: latency is up');
    t.run('alice', 'update identified Provider degraded');
    t.run('bob', 'severity sev1');
    t.clock.advance(10 * MINUTE);
    t.run('alice', 'mitigate Failed over to the backup provider');
    t.run('alice', 'update Error rates normal');
    t.clock.advance(20 * MINUTE);
    t.run('bob', 'resolve Provider recovered; switched back'); // cancels the open page
    const [inc] = (await statusJson(t)).resolved;
    expect(inc.updates.reverse().map((u) => `${u.kind}/${u.status}: ${u.text}`)).toEqual([
      'declared/investigating: Declared as SEV2: Checkout slow',
      'update/investigating: Looking at the payment provider: latency is up',
      'update/identified: Provider degraded',
      'severity/identified: Severity changed: SEV2 → SEV1',
      'update/monitoring: Failed over to the backup provider',
      'update/monitoring: Error rates normal',
      'resolved/resolved: Provider recovered; switched back',
    ]);
    expect(JSON.stringify(inc)).not.toMatch(/Alice|Bob|page/);
  });

  it('colours each day by its worst public severity, in the policy time zone', async () => {
    // 23:50 London on 1 Mar: a sev2 spanning midnight colours both days; a sev1 on the 2nd wins that day.
    t = await startApp({ start: '2026-03-01T23:50:00Z' });
    t.run('bob', 'declare sev2 Search slow');
    t.clock.advance(HOUR);
    t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(HOUR);
    t.run('bob', 'resolve #1 ok');
    t.run('bob', 'resolve #2 ok');
    t.clock.advance(2 * 24 * HOUR);
    const days = (await statusJson(t)).days.slice(-4);
    expect(days).toEqual([
      { date: '2026-03-01', severity: 'sev2', incidents: [1] },
      { date: '2026-03-02', severity: 'sev1', incidents: [1, 2] },
      { date: '2026-03-03', severity: null, incidents: [] },
      { date: '2026-03-04', severity: null, incidents: [] },
    ]);
  });

  it('takes its title from status_page.title and times are ISO UTC', async () => {
    t = await startApp();
    const s = await (await t.get('/status.json')).json();
    expect(s.title).toBe('Acme status');
    expect(s.generatedAt).toBe('2026-03-04T10:00:00.000Z');
  });
});

describe('/status HTML and /status/feed.atom', () => {
  it('escapes titles and update text in the page and the feed', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 Checkout <script>alert(1)</script> & co');
    t.clock.advance(31 * MINUTE);
    const html = await (await t.get('/status')).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('Checkout &lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    const feed = await (await t.get('/status/feed.atom')).text();
    expect(feed).not.toContain('<script>');
    expect(feed).toContain('&lt;script&gt;');
  });

  it('serves HTML with a title, a viewport and no JavaScript', async () => {
    t = await startApp();
    const r = await t.get('/status');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await r.text();
    expect(html).toContain('<title>Acme status</title>');
    expect(html).toContain('name="viewport"');
    expect(html).toContain('All systems operational');
    expect(html).not.toMatch(/<script/i);
  });

  it('lists public updates in an Atom feed, newest first, only for visible incidents', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 Checkout down');
    t.run('bob', 'declare sev3 Internal thing');
    t.clock.advance(20 * MINUTE);
    t.run('bob', 'update #1 Rolling back');
    t.clock.advance(11 * MINUTE);
    t.run('bob', 'declare sev1 Too new');
    const r = await t.get('/status/feed.atom');
    expect(r.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await r.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    const entries = [...xml.matchAll(/<entry>[\s\S]*?<\/entry>/g)].map((m) => m[0]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain('<title>[SEV1] Checkout down: Investigating</title>');
    expect(entries[0]).toContain('<updated>2026-03-04T10:20:00.000Z</updated>');
    expect(entries[0]).toContain('<content type="text">Rolling back</content>');
    expect(entries[1]).toContain('<content type="text">Declared as SEV1: Checkout down</content>');
    expect(xml).not.toMatch(/Internal thing|Too new/);
    expect(xml).toContain('<updated>2026-03-04T10:20:00.000Z</updated>\n  <author>');
    // No status_page.url: links are relative and ids a stable urn, never the request's Host.
    expect(xml).toContain('<link rel="alternate" type="text/html" href="/status#incident-1"/>');
  });

  it('hangs feed links off status_page.url when the policy sets it', async () => {
    const yaml = `
severities: [{ id: sev1, description: Outage, public: true }]
status_page: { title: Example status, publish_after: 5m, url: "https://status.example.com/" }
`;
    t = await startApp({ yaml });
    t.run('bob', 'declare sev1 Down');
    t.clock.advance(5 * MINUTE);
    const xml = await (await t.get('/status/feed.atom')).text();
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="https://status.example.com/feed.atom"/>');
    expect(xml).toContain('href="https://status.example.com#incident-1"');
    expect((await statusJson(t)).incidents.map((i) => i.title)).toEqual(['Down']);
  });
});

describe('/status/feed.atom is well-formed and host-independent', () => {
  const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\ud800-\udfff]/;

  it('drops characters XML 1.0 forbids, even from text stored before the edge rule existed', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 Checkout down');
    // Written straight to the database, as an older Klaxon would have stored it.
    t.db.$client.prepare("update incidents set title = ? where id = 1").run('Checkout\u0000 \u001b[31mdown\u0007 \ufffe');
    t.db.$client.prepare("update timeline_events set public_text = ? where public = 1").run('Bell\u0007 and NUL\u0000');
    t.clock.advance(31 * MINUTE);
    const xml = await (await t.get('/status/feed.atom')).text();
    expect(xml).toContain('<entry>');
    expect(xml).not.toMatch(NOT_XML);
    expect(xml).not.toContain('\ufffe');
    expect(xml).toContain('Checkout [31mdown');
  });

  it('without status_page.url: relative links and a stable urn id, whatever Host the request names', async () => {
    t = await startApp();
    t.run('bob', 'declare sev1 Checkout down');
    t.clock.advance(31 * MINUTE);
    const a = await (await t.get('/status/feed.atom', { host: 'evil.example' })).text();
    const b = await (await t.get('/status/feed.atom')).text();
    expect(a).toBe(b);
    expect(a).not.toContain('evil.example');
    expect(a).toMatch(/<id>urn:klaxon:[a-z0-9-]+<\/id>/);
    expect(a).toMatch(/<entry>\s*<id>urn:klaxon:[a-z0-9-]+:incident-1:update-\d+<\/id>/);
    expect(a).toContain('<link rel="self" type="application/atom+xml" href="/status/feed.atom"/>');
    expect(a).toContain('<link rel="alternate" type="text/html" href="/status"/>');
  });
});

describe('status page components and public updates', () => {
  const yaml = `
people: { bob: { name: Bob } }
severities:
  - { id: sev1, name: Major outage, description: Outage, public: true, publish_after: 5m }
status_page: { title: Acme status, components: [API, Dashboard] }
`;
  it('lists each component, operational or with the incident affecting it, in the page and the JSON', async () => {
    t = await startApp({ yaml });
    t.run('bob', 'declare sev1 Checkout down');
    t.run('bob', 'components API');
    t.run('bob', 'update internal: bob restarted pgbouncer');
    t.run('bob', 'public Some API requests fail; we are on it.');
    t.clock.advance(5 * MINUTE);
    const s = (await (await t.get('/status.json')).json()) as StatusJson & { components: unknown[]; incidents: (PublicIncident & { components: string[] })[] };
    expect(s.components).toEqual([
      { name: 'API', status: 'investigating', severity: 'sev1', incidents: [1] },
      { name: 'Dashboard', status: 'operational', severity: null, incidents: [] },
    ]);
    expect(s.incidents[0].components).toEqual(['API']);
    expect(s.incidents[0].updates.map((u) => u.text)).toEqual(['Some API requests fail; we are on it.', 'Declared as Major outage: Checkout down']);
    const html = await (await t.get('/status')).text();
    expect(html).toContain('<li data-component="API" data-status="investigating"');
    expect(html).toContain('Major outage · Investigating: <a href="#incident-1">Checkout down</a>');
    expect(html).toContain('<li data-component="Dashboard" data-status="operational"><span class="name">Dashboard</span><span class="state">Operational</span></li>');
    expect(html).toContain('affects API');
    expect(html).not.toContain('pgbouncer');
  });
});
