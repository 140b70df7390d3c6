// A declaration acknowledged is a declaration kept: Klaxon commits a slash command's work before
// Slack gets its 200, so killing the process the moment the 200 arrives loses nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../src/store/db.js';
import { incidents } from '../../src/store/schema.js';
import { form, slashCommand } from '../fakes/slack/payloads.js';
import { postSigned } from '../fakes/slack/signing.js';
import { FakeSlack } from '../fakes/slack/web-api.js';

const SECRET = 'test-signing-secret-0123456789abcdef';
const BOT = 'xoxb-111-222-klaxonbottokensecret';

describe('slash command durability (a real process on a real database file)', () => {
  it('SIGKILL right after the 200 of `/incident declare`: the declaration is in the database', async () => {
    const fake = await new FakeSlack({ bot: BOT }).start();
    fake.addUser('U01ALICE', 'Alice Archer');
    const db = join(mkdtempSync(join(tmpdir(), 'klaxon-ack-')), 'k.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      env: { ...process.env, KLAXON_DB: db, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, SLACK_APP_TOKEN: '', DISCORD_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`klaxon exited (${code}) before listening: ${out}`)));
      });
      const fields = slashCommand('declare sev2 Checkout failing', { user: 'U01ALICE', responseUrl: fake.responseUrl('declare') });
      const r = await postSigned(`http://127.0.0.1:${port}/slack/events`, form(fields), { secret: SECRET });
      child.kill('SIGKILL');
      expect(r.status).toBe(200);
      // The answer rides in the ack itself: no second request to response_url.
      expect(JSON.parse(r.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Declared #1/) });
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
      const kept = openDb(db);
      try {
        expect((await kept.select({ id: incidents.id, title: incidents.title, severity: incidents.severity }).from(incidents))).toEqual([{ id: 1, title: 'Checkout failing', severity: 'sev2' }]);
      } finally {
        closeDb(kept);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await fake.stop();
    }
  }, 30_000);
});
