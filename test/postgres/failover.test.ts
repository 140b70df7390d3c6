// Two real `klaxon start` processes on one PostgreSQL behind the fake Slack: the set-up of README's
// "Running two replicas", with a lease of 3 s and escalation tiers 2 s apart so a file of failovers
// runs in about a minute. Each replica reaches the fake Slack through its own proxy, so every Web
// API call is known by the replica that made it.
//   - SIGKILL the leader at random points during escalation, 20 rounds (the killed one restarted
//     each time): every page delivered, none twice, no escalation later than lease + one tick.
//   - SIGSTOP the leader past its lease, then SIGCONT: it sends nothing once it wakes.
//   - Slack events and commands alternate between the replicas, each retry to the other one:
//     each processed once.
// The kill points come from a seeded generator; the seed is printed and FAILOVER_SEED=<seed> repeats a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../faults/helpers/fault-proxy.js';
import { eventCallback, form, reactionAdded, slashCommand } from '../fakes/slack/payloads.js';
import { JSON_TYPE, postSigned } from '../fakes/slack/signing.js';
import { FakeSlack } from '../fakes/slack/web-api.js';
import { usePostgres } from '../helpers/postgres.js';
import { bundleForRestarts } from '../helpers/bundle.js';
import { seeded } from '../helpers/seeded.js';
import { waitFor } from '../helpers/wait.js';

const SECRET = 'test-signing-secret-0123456789abcdef';
const BOT = 'xoxb-111-222-klaxonbottokensecret';
const LEASE_MS = 3000;
const TICK_MS = 1000;
const TIER_MS = 2000;
const TIERS = 3;
const ROUNDS = 20;

const POLICY = `
name: Failover drill
timezone: UTC
people:
  alice: { name: Alice Archer, slack: U01ALICE }
  bob: { name: Bob Baker, slack: U01BOB }
  carol: { name: Carol Chen, slack: U01CAROL }
escalation_policies:
  fast:
    repeat: 0
    tiers:
      - { targets: [person:alice], ack_timeout: 2s }
      - { targets: [person:bob], ack_timeout: 2s }
      - { targets: [person:carol], ack_timeout: 2s }
permissions:
  declare: anyone
severities:
  - { id: sev1, name: SEV1, description: Outage, page: fast }
default_severity: sev1
channels:
  slack: { announcements: C01ANNOUNCE }
`;

const database = usePostgres();
let dir: string;
let bundle: string;
let fake: FakeSlack;
let pool: pg.Pool;
const proxies = new Map<string, FaultProxy>();
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'klaxon-failover-'));
  bundle = await bundleForRestarts('src/cli.ts', dir, 'klaxon.mjs');
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  fake = await new FakeSlack({ bot: BOT }).start();
  for (const [id, name] of [
    ['U01ALICE', 'Alice Archer'],
    ['U01BOB', 'Bob Baker'],
    ['U01CAROL', 'Carol Chen'],
    ['U0DANA', 'Dana Dunn'],
  ])
    fake.addUser(id, name, name.split(' ')[0]);
  fake.addChannel('C01ANNOUNCE', 'announcements');
  fake.addChannel('C0GENERAL', 'general', ['UKLAXONBOT', 'U0DANA']);
  for (const name of ['a', 'b']) proxies.set(name, await FaultProxy.start(fake.apiUrl));
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
}, 60_000);

afterAll(async () => {
  for (const c of children) {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
  await pool?.end();
  for (const p of proxies.values()) await p.close();
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type LogLine = { msg?: string; handled?: string; eventId?: string; level?: number };

/** One `klaxon start` process, named `a` or `b` (KLAXON_REPLICA_ID), with its own proxy to Slack. */
class Replica {
  readonly child: ChildProcess;
  readonly log: LogLine[] = [];
  port = 0;
  out = '';
  readonly exited: Promise<void>;

  constructor(readonly name: string) {
    this.child = spawn(process.execPath, [bundle, 'start', '--no-console'], {
      env: {
        ...process.env,
        KLAXON_DATABASE_URL: database.url,
        KLAXON_REPLICA_ID: name,
        KLAXON_LEADER_LEASE: `${LEASE_MS / 1000}s`,
        KLAXON_TICK_SECONDS: String(TICK_MS / 1000),
        KLAXON_POLICY: join(dir, 'policy.yaml'),
        KLAXON_DB: join(dir, `unused-${name}.db`),
        HOST: '127.0.0.1',
        PORT: '0',
        // Debug: each Slack event ends with a "Slack event handled" line, the sign it was acted on.
        LOG_LEVEL: 'debug',
        SLACK_BOT_TOKEN: BOT,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: proxies.get(name)!.url,
        SLACK_APP_TOKEN: '',
        DISCORD_TOKEN: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(this.child);
    this.child.stdout!.on('data', (d: Buffer) => {
      this.out += d.toString();
      const m = /http:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(this.out);
      if (m) this.port = Number(m[1]);
    });
    let buf = '';
    this.child.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          this.log.push(JSON.parse(line) as LogLine);
        } catch {
          this.log.push({ msg: line });
        }
      }
    });
    this.exited = new Promise((r) => this.child.once('exit', () => r()));
  }

  get gone(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async ready(): Promise<this> {
    await waitFor(() => this.port > 0 || this.gone, `replica ${this.name} to listen`, 30_000);
    if (!this.port) throw new Error(`replica ${this.name} exited before listening: ${this.out}\n${this.log.map((l) => l.msg).join('\n')}`);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Whether it leads, by its own /healthz; null when it does not answer. */
  async leads(): Promise<boolean | null> {
    try {
      const r = await fetch(this.url('/healthz'), { signal: AbortSignal.timeout(2000) });
      const body = (await r.json()) as { replica: string; leader: boolean };
      expect(body.replica).toBe(this.name);
      return body.leader;
    } catch {
      return null;
    }
  }

  handled(eventId: string): boolean {
    return this.log.some((l) => l.eventId === eventId && l.handled !== undefined);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.child.kill(signal);
    if (signal === 'SIGKILL') await this.exited;
  }

  /** Web API calls this replica made at or after `since` (ms), as `METHOD /api/method`. */
  callsSince(since: number): string[] {
    return proxies
      .get(this.name)!
      .seen.filter((s) => s.at >= since)
      .map((s) => s.route.split('?')[0]);
  }
}

const replicas = new Map<string, Replica>();

async function launch(name: string): Promise<Replica> {
  const r = new Replica(name);
  replicas.set(name, r);
  return r.ready();
}

/** The replica that leads, once exactly one says so. */
async function leader(what = 'a leader'): Promise<Replica> {
  return waitFor(
    async () => {
      const all = [...replicas.values()].filter((r) => !r.gone);
      const leading = (await Promise.all(all.map(async (r) => ((await r.leads()) ? r : null)))).filter((r) => r !== null);
      return leading.length === 1 && leading[0];
    },
    what,
    30_000,
  );
}

const other = (r: Replica): Replica => replicas.get(r.name === 'a' ? 'b' : 'a')!;

/** `/incident <text>` from Dana, posted to `via`; resolves with the number Klaxon answered with. */
async function declare(via: Replica, title: string): Promise<number> {
  const fields = slashCommand(`declare sev1 ${title}`, { user: 'U0DANA', responseUrl: fake.responseUrl(`declare-${title.replace(/\W/g, '')}`) });
  const r = await postSigned(via.url('/slack/events'), form(fields), { secret: SECRET });
  expect(r.status).toBe(200);
  const m = /Declared #(\d+)/.exec(r.body);
  if (!m) throw new Error(`no incident number in the ack: ${r.body}`);
  return Number(m[1]);
}

/** Page DMs the fake Slack accepted, as "incident:tier" (one entry per delivery). */
function pageDms(): string[] {
  return fake
    .ok('chat.postMessage')
    // A DM is posted to the person's user ID (the incident channel gets a copy of each page too).
    .filter((c) => String(c.args.channel).startsWith('U'))
    .map((c) => /you are paged for incident #(\d+) .*tier (\d+)/.exec(String(c.args.text ?? '')))
    .filter((m) => m !== null)
    .map((m) => `${m[1]}:${m[2]}`);
}

/** How late each fired escalation step was, in ms (fired_at − due_at). */
async function escalationLateness(): Promise<number[]> {
  const { rows } = await pool.query<{ late: number }>(`select fired_at - due_at as late from timers where kind = 'escalate' and status = 'done'`);
  return rows.map((r) => Number(r.late));
}

describe('two replicas on one PostgreSQL', () => {
  it(`SIGKILL the leader at random points during escalation, ${ROUNDS} rounds: every page delivered once, on time within lease + tick`, async () => {
    const seed = Number(process.env.FAILOVER_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const rand = seeded(seed);
    console.log(`[failover] SIGKILL rounds starting, seed ${seed}`);
    await launch('a');
    await launch('b');
    const started = Date.now();
    const incidents: number[] = [];
    const takeovers: number[] = [];
    // The killed replica restarts while the next round runs; it must be up before the next kill.
    let restarting: Promise<Replica> | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      const lead = await leader();
      // Declared through the leader, or through the standby (which commits; the leader delivers).
      // Its first page goes out at once, the next ones 2 s apart.
      const via = i % 2 ? lead : await (restarting ?? other(lead).ready());
      incidents.push(await declare(via, `Drill ${i + 1}`));
      // The kill point: anywhere in this drill's escalation, while earlier drills still escalate.
      await new Promise((r) => setTimeout(r, Math.floor(rand() * (TIERS - 1) * TIER_MS)));
      await restarting;
      const killedAt = Date.now();
      await lead.kill('SIGKILL');
      const next = await leader(`the standby to take over in round ${i + 1}`);
      expect(next).toBe(other(lead));
      takeovers.push(Date.now() - killedAt);
      restarting = launch(lead.name);
    }
    await restarting;
    const killedFor = Date.now() - started;

    const expected = incidents.flatMap((n) => Array.from({ length: TIERS }, (_, t) => `${n}:${t + 1}`));
    await waitFor(() => expected.every((k) => pageDms().includes(k)), 'every page of every drill to be delivered', 30_000).catch((e: Error) => {
      const got = new Set(pageDms());
      throw new Error(`${e.message} (seed ${seed}): missing ${expected.filter((k) => !got.has(k)).join(', ')}`);
    });
    // The last step of the last drill went out: nothing else is due. Every DM is in.
    const delivered = pageDms();
    const times = new Map<string, number>();
    for (const k of delivered) times.set(k, (times.get(k) ?? 0) + 1);
    const lost = expected.filter((k) => !times.has(k)).length;
    const twice = [...times.values()].filter((n) => n > 1).length;
    const late = await escalationLateness();
    const maxLate = Math.max(...late);
    console.log(
      `[failover] seed ${seed} (FAILOVER_SEED=${seed} repeats it): ${ROUNDS} leaders killed in ${(killedFor / 1000).toFixed(1)} s; ` +
        `pages expected ${expected.length}, delivered ${times.size} (${delivered.length} DMs), lost ${lost}, twice ${twice}; ` +
        `${late.length} escalation steps fired, latest ${maxLate} ms after due (bound: lease ${LEASE_MS} + tick ${TICK_MS} ms); ` +
        `takeover seen after ${Math.min(...takeovers)}–${Math.max(...takeovers)} ms`,
    );
    expect(lost).toBe(0);
    expect(twice).toBe(0);
    expect(delivered).toHaveLength(expected.length);
    // Tiers 2 and 3 of each drill, and the step that found the page exhausted after tier 3.
    expect(late.length).toBeGreaterThanOrEqual(ROUNDS * (TIERS - 1));
    expect(maxLate).toBeLessThanOrEqual(LEASE_MS + TICK_MS);
    // 80–115 s on a quiet or busy machine; the limit only ends a run that hangs (CI is a busy box).
  }, 300_000);

  it('a leader frozen past its lease (SIGSTOP) is replaced, and sends nothing once it wakes', async () => {
    const frozen = await leader();
    const standby = other(frozen);
    const n = await declare(standby, 'Frozen leader');
    // The first page is out: the frozen leader was delivering.
    await waitFor(() => pageDms().includes(`${n}:1`), 'the first page', 30_000);
    await frozen.kill('SIGSTOP');
    await waitFor(async () => (await standby.leads()) === true, 'the standby to take over from the frozen leader', 30_000);
    const wokeAt = Date.now();
    await frozen.kill('SIGCONT');
    // The woken replica says it no longer leads; the new leader finishes the escalation.
    await waitFor(async () => (await frozen.leads()) === false, 'the woken replica to answer as a standby', 30_000);
    await waitFor(() => pageDms().includes(`${n}:${TIERS}`), 'the last page from the new leader', 30_000);
    expect(frozen.callsSince(wokeAt)).toEqual([]);
    expect(pageDms().filter((k) => k.startsWith(`${n}:`)).sort()).toEqual([`${n}:1`, `${n}:2`, `${n}:3`]);
    expect(frozen.log.some((l) => l.msg === 'leadership lost')).toBe(true);
  }, 150_000);

  it('Slack events and commands alternate between the replicas, each retry sent to the other: each processed once', async () => {
    const a = replicas.get('a')!;
    const b = replicas.get('b')!;
    const before = Number((await pool.query<{ n: number }>('select count(*) as n from incidents')).rows[0].n);
    // 🚨 on six messages: each declares once, whichever replica gets the delivery and its retry.
    const messages = Array.from({ length: 6 }, (_, i) => fake.addMessage('C0GENERAL', { user: 'U0DANA', text: `checkout error ${i + 1}` }));
    for (const [i, msg] of messages.entries()) {
      const [first, retry] = i % 2 ? [a, b] : [b, a];
      const eventId = `EvFAILOVER${i}`;
      const body = JSON.stringify(eventCallback(reactionAdded({ user: 'U0DANA', reaction: 'rotating_light', channel: 'C0GENERAL', ts: msg.ts }), eventId));
      expect((await postSigned(first.url('/slack/events'), body, { secret: SECRET, contentType: JSON_TYPE })).status).toBe(200);
      expect((await postSigned(retry.url('/slack/events'), body, { secret: SECRET, contentType: JSON_TYPE, retryNum: 1 })).status).toBe(200);
      // Both replicas are done with it (one acted, the other saw it was already processed).
      await waitFor(() => first.handled(eventId) && retry.handled(eventId), `both replicas to finish with ${eventId}`, 10_000);
    }
    // Slash commands, alternating: each a new incident, numbered once.
    const numbers = [];
    for (let i = 0; i < 6; i++) numbers.push(await declare(i % 2 ? a : b, `Alternating ${i + 1}`));
    expect(new Set(numbers).size).toBe(6);

    const { rows } = await pool.query<{ source_link: string | null }>('select source_link from incidents where id > $1 order by id', [before]);
    expect(rows).toHaveLength(12);
    const links = rows.map((r) => r.source_link).filter((l) => l !== null);
    expect(links).toHaveLength(6);
    expect(new Set(links).size).toBe(6);
  }, 60_000);
});
