// Idle memory of what the README's start command runs (`npm start`: npm itself and the compiled
// Klaxon it starts), connected to Slack and Discord (loopback fakes), against the same Klaxon run
// through tsx from TypeScript (how `npm start` ran before) and a bare `node` process idling.
// RSS is summed over the whole process tree, read from /proc once each has been idle a while.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { FakeDiscord } from '../test/fakes/discord/index.js';
import { FakeSlack } from '../test/fakes/slack/web-api.js';
import { benchDbPath } from './util.js';

const IDLE_MS = 3000;
const SLACK_BOT = 'xoxb-bench-0000-token';

/** RSS in MB of `pid` and every process descended from it (Linux /proc). */
function treeRssMb(pid: number): number {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(d), Number(fields[1]));
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      rss.set(Number(d), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process ended while being read.
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of parents) if (tree.has(pp) && !tree.has(p)) grew = tree.add(p) !== undefined;
  }
  return [...tree].reduce((t, p) => t + (rss.get(p) ?? 0), 0) / 1024;
}

async function idleRss(cmd: string, args: string[], env: Record<string, string>, ready: RegExp | null): Promise<number> {
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
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return treeRssMb(child.pid!);
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
    const row = (label: string, mb: number, goal = '') => `| ${label} | ${mb.toFixed(0)} MB | ${(mb / bare).toFixed(2)}× | ${goal} |`;
    return [
      '## Idle memory (bench/memory.bench.ts)',
      '',
      `Resident memory of each whole process tree ${IDLE_MS / 1000} s after Klaxon said it was listening, connected to Slack (HTTP) and Discord (gateway) fakes on loopback, empty WAL database. ` +
        `Anchor: a bare \`node\` idling, same run. \`npm start\` builds first (\`prestart\`, ${buildS.toFixed(0)} s here); the figure is the running tree (npm and the compiled Klaxon).`,
      '',
      '| what runs | RSS | ratio to bare node | goal |',
      '|---|---:|---:|---|',
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
