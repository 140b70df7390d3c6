// Support-channel auto-replies through the service (SPEC §5, runbooks 000 and 004), with a fake
// clock: no chat platform involved, only what lands in the outbox and the incidents table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/service/port.js';
import { loadPolicy, parsePolicy, type Policy } from '../../src/config/policy/index.js';
import { createLogger } from '../../src/log.js';
import { FakeClock } from '../../src/service/clock.js';
import { Service } from '../../src/service/service.js';
import { handleSupportMessage, hoursText, securityKeyword, type SupportMessage } from '../../src/service/support.js';
import { closeDb, type Db, openDb } from '../../src/store/db.js';
import { incidents, outbox } from '../../src/store/tables.js';

const POLICY = join(import.meta.dirname, '../../examples/policies/000-support-runbook.yaml');
const SUPPORT = '500000000000000004';
const HOUR = 3_600_000;
// Wednesday 4 March 2026; the policy's business hours are Mon–Fri 09:00–17:00 UTC.
const WED_11 = '2026-03-04T11:00:00Z';

let dir: string;
let db: Db;
let clock: FakeClock;
let seq = 0;

function service(policy: Policy = loadPolicy(POLICY), platforms: Platform[] = ['discord']): Service {
  return new Service({ db, policy, clock, platforms, log: createLogger('silent') });
}

function message(over: Partial<SupportMessage> = {}): SupportMessage {
  const id = String(++seq);
  return {
    platform: 'discord', channel: SUPPORT, user: '900000000000000001', userName: 'dana', isBot: false,
    text: 'How do I set up consent mode?', link: `https://discord.com/channels/1/${SUPPORT}/${id}`, messageId: id, ...over,
  };
}

const replies = async () => (await db.select().from(outbox).where(eq(outbox.destination, `channel:${SUPPORT}`)));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'klaxon-support-'));
  db = openDb(join(dir, 'klaxon.db'));
  clock = new FakeClock(WED_11);
});

afterEach(() => {
  closeDb(db);
  rmSync(dir, { recursive: true, force: true });
});

describe('support auto-replies', () => {
  it('answers in business hours with the hours and issue link, and promises no resolution time', async () => {
    const r = await handleSupportMessage(service(), message());
    expect(r?.kind).toBe('in_hours');
    expect(r?.text).toContain('Mon–Fri 09:00–17:00 UTC');
    expect(r?.text).toContain('https://github.com/react-gtm-kit/react-gtm-kit/issues/new/choose');
    expect(r?.text).not.toMatch(/within|resolve|hours? of|by tomorrow/i);
    const rows = await replies();
    expect(rows).toHaveLength(1);
    expect(rows[0].platform).toBe('discord');
    expect(rows[0].body).toMatchObject({ text: r?.text, replyTo: String(seq) });
  });

  it('answers a person once per cooldown per channel, and again after it', async () => {
    const svc = service();
    expect(await handleSupportMessage(svc, message())).not.toBeNull();
    clock.advance(2 * HOUR);
    expect(await handleSupportMessage(svc, message())).toBeNull();
    expect(await handleSupportMessage(svc, message({ user: '900000000000000002', userName: 'eli' }))).not.toBeNull();
    clock.advance(10 * HOUR + 1);
    // 12h after the first reply: 23:00, so out of hours.
    expect((await handleSupportMessage(svc, message()))?.kind).toBe('out_of_hours');
    expect(await replies()).toHaveLength(3);
  });

  it('keeps the cooldown across a restart', async () => {
    await handleSupportMessage(service(), message());
    closeDb(db);
    db = openDb(join(dir, 'klaxon.db'));
    clock.advance(HOUR);
    expect(await handleSupportMessage(service(), message())).toBeNull();
    expect(await replies()).toHaveLength(1);
  });

  it('answers out of hours at 22:00 and at weekends', async () => {
    clock.set('2026-03-04T22:00:00Z');
    expect((await handleSupportMessage(service(), message()))?.kind).toBe('out_of_hours');
    clock.set('2026-03-07T11:00:00Z'); // Saturday
    const r = await handleSupportMessage(service(), message({ user: '900000000000000003' }));
    expect(r?.kind).toBe('out_of_hours');
    expect(r?.text).toContain('outside support hours');
  });

  it('ignores bots, other channels, and a replayed delivery', async () => {
    const svc = service();
    expect(await handleSupportMessage(svc, message({ isBot: true }))).toBeNull();
    expect(await handleSupportMessage(svc, message({ channel: '500000000000000002' }))).toBeNull();
    const m = message();
    expect(await handleSupportMessage(svc, m)).not.toBeNull();
    clock.advance(13 * HOUR);
    expect(await handleSupportMessage(svc, m)).toBeNull();
    expect(await replies()).toHaveLength(1);
  });

  it('stays silent when automation is off or safe mode is on', async () => {
    const svc = service();
    const admin = { id: 'maya', name: 'Maya', platform: 'discord' as const };
    await svc.execute(admin, { kind: 'automation', on: false });
    expect(await handleSupportMessage(svc, message({ text: 'there is a vulnerability' }))).toBeNull();
    expect((await db.select().from(incidents))).toHaveLength(0);
    await svc.execute(admin, { kind: 'automation', on: true });
    await svc.execute(admin, { kind: 'safe_mode', on: true });
    expect(await handleSupportMessage(svc, message({ user: '900000000000000009' }))).toBeNull();
    expect(await replies()).toHaveLength(0);
    // Safe mode still raises a security report as an incident; it only stops the public reply.
    expect(await handleSupportMessage(svc, message({ text: 'I can exploit your login form' }))).toBeNull();
    expect((await db.select().from(incidents))).toHaveLength(1);
    expect(await replies()).toHaveLength(0);
    // Nothing was said while silent, so nobody is in a cooldown once safe mode is off.
    await svc.execute(admin, { kind: 'safe_mode', on: false });
    expect((await handleSupportMessage(svc, message({ user: '900000000000000009' })))?.kind).toBe('in_hours');
  });

  it('raises a security or privacy report as a Sev 1 without copying the message into public places', async () => {
    const text = 'I found a vulnerability that leaks user emails';
    const m = message({ text });
    const r = await handleSupportMessage(service(), m);
    expect(r?.kind).toBe('escalated');
    expect(r?.text).toMatch(/escalated/);
    expect(r?.text).toContain(`#${r?.incident}`);
    const inc = (await db.select().from(incidents));
    expect(inc).toHaveLength(1);
    expect(inc[0]).toMatchObject({ id: r?.incident, severity: 'sev1', sourceLink: m.link });
    expect(inc[0].title).not.toMatch(/vulnerab|leak|email/i);
    expect(inc[0].description).not.toContain(text);
    // Nothing Klaxon queued anywhere repeats the report's words.
    for (const row of (await db.select().from(outbox))) expect(JSON.stringify(row.body)).not.toMatch(/leaks user emails/);
    // It pages the severity's escalation policy like any Sev 1.
    expect((await db.select().from(outbox)).some((o) => o.pageId !== null)).toBe(true);
  });

  it('raises one incident per person per cooldown, but answers every escalation', async () => {
    const svc = service();
    expect((await handleSupportMessage(svc, message({ text: 'possible XSS in the consent banner' })))?.kind).toBe('escalated');
    expect(await handleSupportMessage(svc, message({ text: 'also the XSS works on the demo site' }))).toBeNull();
    expect((await db.select().from(incidents))).toHaveLength(1);
    // A report after an ordinary reply in the cooldown is still escalated.
    const other = { user: '900000000000000005' };
    expect((await handleSupportMessage(svc, message(other)))?.kind).toBe('in_hours');
    expect((await handleSupportMessage(svc, message({ ...other, text: 'your CDN leaks PII' })))?.kind).toBe('escalated');
    expect((await db.select().from(incidents))).toHaveLength(2);
  });

  it('uses policy templates and per-platform texts, and serves Slack where configured', async () => {
    const policy = parsePolicy(`
timezone: Europe/London
business_hours: { start: "09:00", end: "17:30" }
severities: [{ id: sev1, description: x }, { id: sev2, description: y }]
templates: { support_out_of_hours: "Closed now ({support_hours}). File it at {issue_url}." }
support:
  slack: { channels: [C01HELP], cooldown: 1 business day, issue_url: "https://x.test/issues", in_hours: "Hi! Hours: {support_hours}", security_keywords: [breach], security_severity: sev1 }
`);
    const svc = service(policy, ['slack']);
    const slack = (over: Partial<SupportMessage>) => message({ platform: 'slack', channel: 'C01HELP', ...over });
    expect((await handleSupportMessage(svc, slack({})))?.text).toBe('Hi! Hours: Mon–Fri 09:00–17:30 Europe/London');
    clock.set('2026-03-04T20:00:00Z');
    expect((await handleSupportMessage(svc, slack({ user: 'U2' })))?.text).toBe('Closed now (Mon–Fri 09:00–17:30 Europe/London). File it at https://x.test/issues.');
    // Business-day cooldown: the next morning is still inside it, the day after is not.
    clock.set('2026-03-05T10:00:00Z');
    expect(await handleSupportMessage(svc, slack({}))).toBeNull();
    clock.set('2026-03-05T11:01:00Z');
    expect((await handleSupportMessage(svc, slack({})))?.kind).toBe('in_hours');
    expect((await handleSupportMessage(svc, slack({ user: 'U3', text: 'Data breach!' })))?.kind).toBe('escalated');
    // Discord has no support section in this policy.
    expect(await handleSupportMessage(svc, message())).toBeNull();
  });
});

describe('helpers', () => {
  it('matches keywords at word starts, case-insensitively', () => {
    const kw = ['leak', 'pii', 'cve', 'data breach'];
    expect(securityKeyword('It LEAKS tokens', kw)).toBe('leak');
    expect(securityKeyword('see CVE-2024-1234', kw)).toBe('cve');
    expect(securityKeyword('a data breach?', kw)).toBe('data breach');
    expect(securityKeyword('the bleak sky, a happiness', kw)).toBeUndefined();
  });

  it('describes the business hours when the policy gives no hours_text', () => {
    const p = parsePolicy('business_hours: { days: [mon, wed, fri] }\nseverities: [{ id: s, description: d }]\nsupport: { discord: {} }');
    expect(hoursText(p, p.support!.discord!)).toBe('Mon, Wed, Fri 09:00–17:00 UTC');
  });
});

describe('the in-hours reply tells the person on support (runbook 004)', () => {
  const P004 = join(import.meta.dirname, '../../examples/policies/004-support-processes.yaml');
  const slackMessage = (over: Partial<SupportMessage> = {}) =>
    message({ platform: 'slack', channel: 'C04CLIENTA', user: 'U09CLIENT', userName: 'Casey (client)', link: 'https://pixie.slack.com/archives/C04CLIENTA/p1', ...over });
  const dms = async () => (await db.select().from(outbox)).filter((r) => r.destination.startsWith('dm:')).map((r) => `${r.destination} ${(r.body as { text: string }).text}`);

  it("in hours, today's rota person gets a DM with a link to the message; out of hours nobody is woken", async () => {
    const svc = service(loadPolicy(P004), ['slack']);
    // Wednesday 11:00 London: the rota's person for the day is on.
    const r = await handleSupportMessage(svc, slackMessage());
    expect(r?.kind).toBe('in_hours');
    expect(r?.text).toContain('the person on support today is on it');
    const person = (await svc.run({ id: 'lead', name: 'Lou', platform: 'console' }, 'oncall rota')).text;
    expect(r?.told).toBeDefined();
    expect(person).toContain(loadPolicy(P004).people[r!.told!].name);
    expect(await dms()).toEqual([`dm:${loadPolicy(P004).people[r!.told!].slack} 📨 Casey (client) wrote in a support channel and was told someone is on it: https://pixie.slack.com/archives/C04CLIENTA/p1`]);
    clock.set('2026-03-04T20:00:00Z');
    const night = await handleSupportMessage(svc, slackMessage({ user: 'U09OTHER' }));
    expect(night?.kind).toBe('out_of_hours');
    expect(await dms()).toHaveLength(1);
  });

  it('check-policy names an unknown notify target', async () => {
    const { readFileSync } = await import('node:fs');
    const yaml = readFileSync(P004, 'utf8').replace('notify: schedule:rota #', 'notify: schedule:rotaa #');
    expect(() => parsePolicy(yaml)).toThrow(/support\.slack\.notify: unknown schedule "rotaa"/);
  });
});
