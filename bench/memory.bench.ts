// Idle memory of what the README's start command runs (`npm start`: npm itself and the compiled
// Klaxon it starts), connected to Slack and Discord (loopback fakes), against the same Klaxon run
// through tsx from TypeScript (how `npm start` ran before) and a bare `node` process idling.
// RSS is summed over the whole process tree, read from /proc once each has been idle a while.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { FakeDiscord } from '../test/fakes/discord/index.js';
import { FakeSlack } from '../test/fakes/slack/web-api.js';
import { benchDbPath } from './util.js';

/** Seconds after "listening" at which each tree is read: just started, and once V8's memory reducer has run. */
const SAMPLES_S = [3, 35];
const SLACK_BOT = 'xoxb-bench-0000-token';
const PAGE = 4096;

type Proc = { pid: number; name: string; rssMb: number };
type Sample = { procs: Proc[]; rssSumMb: number; distinctMb: number | null };

/** Every process descended from `pid` (Linux /proc), `pid` first. */
function treeOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while being read.
    }
  }
  const tree = [pid];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of parents) if (tree.includes(pp) && !tree.includes(p)) grew = tree.push(p) > 0;
  }
  return tree;
}

/**
 * Physical pages resident in `pid`, from /proc/PID/pagemap (frame numbers need root; null without).
 * Only mappings with resident pages are read: V8 reserves gigabytes it never touches.
 */
function residentFrames(pid: number, into: Set<bigint>): boolean {
  const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    let range: [bigint, bigint] | null = null;
    for (const line of smaps.split('\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
      if (m) range = [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)];
      else if (range && line.startsWith('Rss:') && !/^Rss:\s+0 /.test(line)) {
        const first = range[0] / BigInt(PAGE);
        const pages = Number((range[1] - range[0]) / BigInt(PAGE));
        const buf = Buffer.alloc(pages * 8);
        readSync(fd, buf, 0, buf.length, Number(first * 8n));
        for (let i = 0; i < pages; i++) {
          const e = buf.readBigUInt64LE(i * 8);
          if (!(e >> 63n)) continue;
          const frame = e & ((1n << 55n) - 1n);
          if (frame === 0n) return false;
          into.add(frame);
        }
      }
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Each process's RSS, their sum, and the tree's resident memory with shared pages counted once. */
function sampleTree(pid: number): Sample {
  const procs: Proc[] = [];
  const frames = new Set<bigint>();
  let distinct = true;
  for (const p of treeOf(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const name = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(0, 4).join(' ');
      procs.push({ pid: p, name, rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024 });
      if (distinct) distinct = residentFrames(p, frames);
    } catch {
      // The process ended while being read.
    }
  }
  return { procs, rssSumMb: procs.reduce((t, p) => t + p.rssMb, 0), distinctMb: distinct ? (frames.size * PAGE) / 1048576 : null };
}

async function idleRss(cmd: string, args: string[], env: Record<string, string>, ready: RegExp | null): Promise<Sample[]> {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    if (ready) {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`${cmd} ${args.join(' ')}: not ready; output: ${out.slice(-500)}`)), 60_000);
        const take = (d: Buffer) => {
          out += d.toString();
          if (ready.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', take);
        child.stderr!.on('data', take);
        child.once('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out.slice(-500)}`)));
      });
    }
    const samples: Sample[] = [];
    let waited = 0;
    for (const s of SAMPLES_S) {
      await new Promise((r) => setTimeout(r, (s - waited) * 1000));
      waited = s;
      samples.push(sampleTree(child.pid!));
    }
    return samples;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

export async function bench(): Promise<string> {
  const slack = await new FakeSlack({ bot: SLACK_BOT }).start();
  const discord = await FakeDiscord.start({ guild: { id: '800000000000000001', name: 'bench' }, channels: [{ id: '800000000000000002', name: 'incidents' }] });
  const path = benchDbPath('memory');
  const env = {
    KLAXON_DB: path,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: SLACK_BOT,
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.appId,
    DISCORD_API_URL: discord.apiUrl,
  };
  const ready = /http:\s+http:\/\/127\.0\.0\.1:\d+/;
  try {
    // What `npm start` builds first (its prestart); timed separately, not part of the idle figure.
    const t = performance.now();
    const build = spawnSync('npm', ['run', 'build', '--silent'], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
    const buildS = (performance.now() - t) / 1000;
    const bare = await idleRss(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {}, null);
    const npmStart = await idleRss('npm', ['start', '--ignore-scripts'], env, ready);
    // The README's server command, then the same without the young-generation cap.
    const server = await idleRss(process.execPath, ['--max-semi-space-size=4', 'bin/klaxon.js', 'start'], env, ready);
    const compiled = await idleRss(process.execPath, ['dist/cli.js', 'start'], env, ready);
    const viaTsx = await idleRss(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], env, ready);
    const mb = (x: number | null) => (x === null ? 'n/a (needs root)' : `${x.toFixed(0)} MB`);
    const row = (label: string, t: Sample[], goal = '') =>
      `| ${label} | ${t.map((s) => mb(s.rssSumMb)).join(' | ')} | ${t.map((s) => mb(s.distinctMb)).join(' | ')} | ${(t[t.length - 1].rssSumMb / bare[bare.length - 1].rssSumMb).toFixed(2)}× | ${goal} |`;
    const perProcess = npmStart[npmStart.length - 1].procs.map((p) => `\`${p.name}\` ${p.rssMb.toFixed(0)} MB`).join(', ');
    return [
      '## Idle memory (bench/memory.bench.ts)',
      '',
      `Resident memory of each whole process tree ${SAMPLES_S.join(' s and ')} s after Klaxon said it was listening (the later figure is after V8's memory reducer has shrunk the idle heap), connected to Slack (HTTP) and Discord (gateway) fakes on loopback, empty WAL database. ` +
        'Two measures: the sum of every process\'s RSS (counts pages the processes share, such as the `node` binary npm and Klaxon both map, once per process), and the tree\'s distinct resident pages (physical frames from /proc/PID/pagemap, each counted once: what the tree holds in RAM). ' +
        `Anchor: a bare \`node\` idling, same run. \`npm start\` builds first (\`prestart\`, ${buildS.toFixed(0)} s here); the figure is the running tree (npm and the compiled Klaxon): ${perProcess} at ${SAMPLES_S[SAMPLES_S.length - 1]} s.`,
      '',
      `| what runs | ${SAMPLES_S.map((s) => `RSS sum, ${s} s`).join(' | ')} | ${SAMPLES_S.map((s) => `distinct pages, ${s} s`).join(' | ')} | RSS ratio to bare node | goal |`,
      `|---|${SAMPLES_S.map(() => '---:|').join('')}${SAMPLES_S.map(() => '---:|').join('')}---:|---|`,
      row('bare `node -e setInterval`', bare),
      row('`npm start` (npm + `node --max-semi-space-size=4 bin/klaxon.js start`)', npmStart, '≤ 150 MB'),
      row('`node --max-semi-space-size=4 bin/klaxon.js start` (README, on a server)', server, '≤ 150 MB'),
      row('`node dist/cli.js start` (no young-generation cap)', compiled),
      row('`node --import tsx src/cli.ts start` (before)', viaTsx),
      '',
    ].join('\n');
  } finally {
    await slack.stop();
    await discord.close();
    rmSync(dirname(path), { recursive: true, force: true });
  }
}
