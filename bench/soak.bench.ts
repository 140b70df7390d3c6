// Pages through faults: a burst of sev1 declarations delivered to the fake Slack through the fault
// proxy, once with the proxy passing everything (clean) and once injecting a steady mix of faults
// (a 500 on every 10th post, a 500 after Slack posted on every 25th, a 429 with Retry-After 1 s on
// every 40th, every 5th post answered 200 ms late). Page DMs delivered per second, faulty over
// clean, in the same run; rounds alternate so machine noise falls on both alike. Each round also
// counts page DMs lost and posts duplicated (both must be 0).
import { asc, isNotNull } from 'drizzle-orm';
import { outbox } from '../src/store/schema.js';
import { actorFor } from '../src/service/actor.js';
import { slackKlaxon } from '../test/fakes/slack/harness.js';
import { FaultProxy } from '../test/faults/helpers/fault-proxy.js';
import { median, ratio } from './util.js';

const INCIDENTS = 60;
const ROUNDS = 3;

type Round = { pagesPerSecond: number; seconds: number; lost: number; duplicated: number; injected: string };

const every = (n: number, route: RegExp) => {
  let seen = 0;
  return { test: (r: string) => route.test(r) && ++seen % n === 0 };
};

async function round(faults: boolean): Promise<Round> {
  let proxy!: FaultProxy;
  const k = await slackKlaxon({ logLevel: 'silent', via: async (url) => (proxy = await FaultProxy.start(url)).url });
  // The fake clock follows real time: backoffs, Retry-After and circuits take what they would.
  const real0 = Date.now();
  const t0 = k.clock.now().getTime();
  const follow = setInterval(() => k.clock.set(new Date(t0 + Date.now() - real0)), 5);
  try {
    if (faults) {
      const post = /^POST \/api\/chat\.postMessage/;
      proxy.inject({ route: every(10, post), status: 500 });
      proxy.inject({ route: every(25, post), status: 500, afterAccepted: true });
      proxy.inject({ route: every(40, post), status: 429, retryAfter: 1 });
      proxy.inject({ route: every(5, post), delayMs: 200 });
    }
    const bob = actorFor(k.policy, 'slack', 'bob');
    const started = performance.now();
    for (let i = 1; i <= INCIDENTS; i++) k.app.service.run(bob, `declare sev1 Outage ${i}`);
    const pageRows = () => k.db.select().from(outbox).where(isNotNull(outbox.pageId)).orderBy(asc(outbox.id)).all();
    const deadline = Date.now() + 120_000;
    while (pageRows().some((r) => r.status !== 'sent') && Date.now() < deadline) {
      await k.tick();
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    const pages = pageRows();
    const keys = k.fake.ok('chat.postMessage').map((c) => JSON.stringify((c.args.metadata as { event_payload?: unknown })?.event_payload));
    const n = proxy.counts();
    return {
      pagesPerSecond: pages.filter((r) => r.status === 'sent').length / seconds,
      seconds,
      lost: pages.filter((r) => r.status !== 'sent').length,
      duplicated: keys.length - new Set(keys).size,
      injected: `${n['500']}×500, ${n['429']}×429, ${n.slow} slow`,
    };
  } finally {
    clearInterval(follow);
    await k.close();
    await proxy.close();
  }
}

export async function bench(): Promise<string> {
  const clean: Round[] = [];
  const faulty: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    clean.push(await round(false));
    faulty.push(await round(true));
  }
  const pps = (rs: Round[]) => median(rs.map((r) => r.pagesPerSecond));
  const row = (label: string, rs: Round[]) =>
    `| ${label} | ${pps(rs).toFixed(1)} | ${median(rs.map((r) => r.seconds)).toFixed(2)} | ${rs.reduce((a, r) => a + r.lost, 0)} | ${rs.reduce((a, r) => a + r.duplicated, 0)} | ${rs.map((r) => r.injected).at(-1)} |`;
  return [
    '## Soak: pages through platform faults (bench/soak.bench.ts)',
    '',
    `${INCIDENTS} sev1s declared at once, their page DMs delivered to the fake Slack through the fault proxy (test/faults/helpers/fault-proxy.ts), ${ROUNDS} rounds each, alternating; medians. Faulty: a 500 on every 10th post, a 500 after Slack posted on every 25th, a 429 (Retry-After 1 s, which pauses all of Slack) on every 40th, every 5th answered 200 ms late. Lost and duplicated are totals over all rounds.`,
    '',
    '| | page DMs/s | seconds to deliver all | lost | duplicated | faults in the last round |',
    '|---|---|---|---|---|---|',
    row('clean', clean),
    row('through faults', faulty),
    '',
    `Through faults, pages are delivered at **${ratio(pps(faulty), pps(clean))}** the clean rate.`,
    '',
  ].join('\n');
}
