// The terminal chat reads line after line: a command that fails inside Klaxon is reported and
// the next line is still read, so one bad line never ends the session or the process.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../src/chat/console/console-adapter.js';
import { runConsole } from '../../src/chat/console/repl.js';
import { startApp } from '../http/helpers.js';

async function converse(lines: string[], setup: (t: Awaited<ReturnType<typeof startApp>>) => void = () => {}) {
  const t = await startApp();
  setup(t);
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c) => (printed += String(c)));
  const adapter = new ConsoleAdapter(output);
  t.app.addAdapter(adapter);
  const input = new PassThrough();
  input.end(lines.map((l) => `${l}\n`).join(''));
  await runConsole(t.app, adapter, { input, output, interactive: false });
  await t.stop();
  return printed;
}

describe('console session', () => {
  it('a command that throws is reported and the next line still runs', async () => {
    const out = await converse(['/incident list', '/incident declare sev2 Search is slow', '/incident list'], (t) => {
      const run = t.app.service.run.bind(t.app.service);
      let calls = 0;
      t.app.service.run = async (actor, text, origin) => {
        if (++calls === 1) throw new RangeError('Invalid time value');
        return await run(actor, text, origin);
      };
    });
    expect(out).toContain('✖ Klaxon could not run that (Invalid time value). The console is still running.');
    expect(out).toContain('✔ Declared #1 (sev2): Search is slow');
    expect(out).toMatch(/Open \(1\):\n#1 \[SEV2\]/);
  });

  it('built-in names and huge numbers are answered, never fatal', async () => {
    const out = await converse(['/as constructor', '/as __proto__', 'oncall toString', 'help __proto__', 'stats 99999999999999999999w', '/react constructor eyes', 'list']);
    expect(out).toContain('Nobody called "constructor" is in the policy');
    expect(out).toContain('Nobody called "__proto__" is in the policy');
    expect(out).toContain('There is no schedule "toString"');
    expect(out).toContain('longer than a year');
    expect(out).toContain('Usage: /react N EMOJI');
    expect(out).toContain('No incidents yet.');
  });
});
