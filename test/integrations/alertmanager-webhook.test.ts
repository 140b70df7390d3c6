// Alertmanager and Grafana bodies through POST /integrations/v1: open, dedupe, resolve, floods.
import { afterEach, describe, expect, it } from 'vitest';
import { rolesOf } from '../../src/service/incident-view.js';
import { alertmanagerBody, grafanaBody, TOKENS } from './fixtures.js';
import { alertApp, type AlertApp } from './helpers.js';

let t: AlertApp;
afterEach(async () => {
  await t?.stop();
});

describe('Alertmanager webhook', () => {
  it('opens one sev1 incident that pages tier 1, declared by the integration with no commander', async () => {
    t = await alertApp();
    const r = await t.prometheus(alertmanagerBody({ summary: 'Checkout 5xx above 5%' }));
    expect(r.status).toBe(202);
    expect(await r.json()).toEqual({ outcome: 'opened', incident: 1 });
    const [inc] = t.incidents();
    expect(inc).toMatchObject({ id: 1, severity: 'sev1', title: 'Checkout 5xx above 5%', declaredBy: 'integration:prometheus', integration: 'prometheus' });
    expect(rolesOf(t.db, 1).commander).toBeUndefined();
    expect(t.pages(1)).toEqual([expect.objectContaining({ policy: 'default', status: 'open', tier: 0 })]);
    // The first message carries labels, annotations and links so the responder can act from chat.
    const first = t.posts(1)[0];
    expect(first).toContain('instance=web-1');
    expect(first).toContain('description: 5xx ratio above 5% on web-1');
    expect(first).toContain('Source http://prometheus.example.com:9090/graph');
    expect(first).toContain('Runbook https://runbooks.example.com/high-error-rate');
  });

  it('titles an incident without a summary by alert name and group labels', async () => {
    t = await alertApp();
    const body = alertmanagerBody();
    body.groupLabels = { alertname: 'HighErrorRate', cluster: 'eu-1' } as typeof body.groupLabels;
    await t.prometheus(body);
    expect(t.incidents()[0].title).toBe('HighErrorRate (cluster=eu-1)');
  });

  it('turns new alerts of an open group into one timeline line, never a new incident or page; repeats change nothing', async () => {
    t = await alertApp();
    await t.prometheus(alertmanagerBody({ hosts: ['web-1'] }));
    const r = await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2', 'web-3'] }));
    expect(await r.json()).toEqual({ outcome: 'updated', incident: 1 });
    expect(t.incidents()).toHaveLength(1);
    expect(t.pages()).toHaveLength(1);
    expect(t.timeline(1).filter((e) => e.kind === 'alerts').map((e) => e.text)).toEqual(['1 alert firing: web-1', '3 alerts firing: web-1, web-2, web-3']);

    // Alertmanager's repeat (and any retried delivery) is the same body again: nothing changes.
    const before = t.snapshot();
    const again = await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2', 'web-3'] }));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ outcome: 'repeat', incident: 1 });
    expect(t.snapshot()).toEqual(before);
  });

  it('resolves the incident when every alert of the group is resolved, says so, and a new firing opens a new incident', async () => {
    t = await alertApp();
    await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2'] }));
    const half = await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2'], resolved: ['web-1'] }));
    expect(await half.json()).toEqual({ outcome: 'updated', incident: 1 });
    expect(t.incidents()[0].status).toBe('investigating');

    const all = await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2'], status: 'resolved' }));
    expect(await all.json()).toEqual({ outcome: 'resolved', incident: 1 });
    const [inc] = t.incidents();
    expect(inc.status).toBe('resolved');
    expect(inc.summary).toBe('prometheus reports all 2 alerts resolved.');
    expect(t.pages(1)[0].status).toBe('cancelled');
    expect(t.timeline(1).some((e) => e.kind === 'resolved' && e.text.includes('prometheus reports all 2 alerts resolved'))).toBe(true);
    expect(t.posts(1).some((p) => p.includes('prometheus reports all 2 alerts resolved'))).toBe(true);

    // A late resolved repeat finds nothing open and changes nothing.
    const before = t.snapshot();
    expect(await (await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2'], status: 'resolved' }))).json()).toEqual({ outcome: 'ignored', incident: null });
    expect(t.snapshot()).toEqual(before);

    const refire = await t.prometheus({ ...alertmanagerBody({ hosts: ['web-1'] }), alerts: alertmanagerBody({ hosts: ['web-1'] }).alerts.map((a) => ({ ...a, startsAt: '2026-03-04T11:00:00Z' })) });
    expect(await refire.json()).toEqual({ outcome: 'opened', incident: 2 });
    expect(t.pages(2)).toHaveLength(1);
  });

  it('with resolve: note only posts that the source reports resolved', async () => {
    t = await alertApp({ extra: `  noted:\n    type: alertmanager\n    token_env: KLAXON_PROMETHEUS_TOKEN\n    resolve: note\n    severity: { map: { critical: sev2 } }\n` });
    const post = (b: unknown) => t.post('/integrations/v1/noted', b, { authorization: `Bearer ${TOKENS.KLAXON_PROMETHEUS_TOKEN}` });
    await post(alertmanagerBody());
    const r = await post(alertmanagerBody({ status: 'resolved' }));
    expect(await r.json()).toEqual({ outcome: 'noted', incident: 1 });
    const [inc] = t.incidents();
    expect(inc).toMatchObject({ status: 'investigating', severity: 'sev2' });
    expect(t.posts(1).some((p) => p.startsWith('ℹ️ The source reports resolved'))).toBe(true);
  });

  it('says on the timeline when the sender truncated alerts', async () => {
    t = await alertApp();
    await t.prometheus(alertmanagerBody({ hosts: ['web-1', 'web-2'], truncated: 40 }));
    expect(t.timeline(1).find((e) => e.kind === 'alerts')!.text).toBe('2 alerts firing: web-1, web-2; 40 more alert(s) truncated by the sender');
    expect(t.posts(1)[0]).toContain('40 more alert(s) were truncated by the sender');
  });

  it('maps severity by label through the map, else the default', async () => {
    t = await alertApp();
    const warning = alertmanagerBody({ group: 'DiskFilling' });
    warning.commonLabels.severity = 'warning';
    await t.prometheus(warning);
    const odd = alertmanagerBody({ group: 'Odd' });
    odd.commonLabels.severity = 'toString';
    odd.alerts.forEach((a) => (a.labels.severity = 'toString'));
    await t.prometheus(odd);
    expect(t.incidents().map((i) => i.severity)).toEqual(['sev3', 'sev3']);
  });

  it('after max_open incidents, further groups go onto one alert flood incident that pages once', async () => {
    t = await alertApp({ prometheus: '    max_open: 2\n' });
    for (const g of ['A', 'B', 'C', 'D']) expect((await t.prometheus(alertmanagerBody({ group: g }))).status).toBe(202);
    const incs = t.incidents();
    expect(incs.map((i) => i.alertGroup)).toEqual(['{}:{alertname="A"}', '{}:{alertname="B"}', '__flood__']);
    expect(incs[2].title).toBe('Alert flood from prometheus: 2 incidents already open');
    expect(t.pages(3)).toHaveLength(1);
    expect(t.timeline(3).filter((e) => e.kind === 'alerts').map((e) => e.text)).toEqual(['1 alert firing: C web-1', '2 alerts firing: C web-1, D web-1']);
    // A flooded group resolving clears its alerts on the flood incident.
    await t.prometheus(alertmanagerBody({ group: 'C', status: 'resolved' }));
    await t.prometheus(alertmanagerBody({ group: 'D', status: 'resolved' }));
    expect(t.incidents()[2].status).toBe('resolved');
  });

  it('a storm of 10,000 alerts in one group opens one incident and one page', async () => {
    t = await alertApp();
    for (let b = 0; b < 100; b++) {
      const hosts = Array.from({ length: 100 }, (_, i) => `web-${b * 100 + i}`);
      const r = await t.prometheus(alertmanagerBody({ hosts }));
      expect(r.status).toBe(202);
    }
    expect(t.incidents()).toHaveLength(1);
    expect(t.pages()).toHaveLength(1);
    expect(t.notifications().length).toBeGreaterThan(0);
    expect(new Set(t.notifications().map((n) => n.tier))).toEqual(new Set([0]));
    const last = t.timeline(1).filter((e) => e.kind === 'alerts').pop()!;
    expect(last.text).toMatch(/^10000 alerts firing: web-0, .*, and 9990 more$/);
  });
});

describe('Grafana webhook contact point', () => {
  it('opens an incident from the documented body with its title, values and silence link', async () => {
    t = await alertApp();
    const r = await t.post('/integrations/v1/grafana', grafanaBody, { authorization: `Bearer ${TOKENS.KLAXON_GRAFANA_TOKEN}` });
    expect(r.status).toBe(202);
    const [inc] = t.incidents();
    expect(inc).toMatchObject({ title: 'This alert was triggered for zone us-1', severity: 'sev2', integration: 'grafana' });
    const first = t.posts(1)[0];
    expect(first).toContain('Silence https://play.grafana.org/alerting/silence/new');
    expect(first).toContain('Runbook https://myrunbook.com/runbook/1234');
    expect(first).not.toContain('Dashboard');
    const resolved = { ...grafanaBody, status: 'resolved', alerts: grafanaBody.alerts.map((a) => ({ ...a, status: 'resolved' })) };
    await t.post('/integrations/v1/grafana', resolved, { authorization: `Bearer ${TOKENS.KLAXON_GRAFANA_TOKEN}` });
    expect(t.incidents()[0].status).toBe('resolved');
  });
});

describe('alert labels on the incident', () => {
  it('keeps the group’s common labels, so notify rules with labels can match them', async () => {
    t = await alertApp();
    const body = alertmanagerBody();
    (body.commonLabels as Record<string, string>).kind = 'security';
    expect((await t.prometheus(body)).status).toBe(202);
    expect(t.incidents()[0].labels).toEqual({ alertname: 'HighErrorRate', job: 'web', severity: 'critical', instance: 'web-1', kind: 'security' });
  });
});
