// A chat in the terminal. Lines are commands ("/incident declare sev1 API down" or just
// "declare ..."), plus console-only verbs: /as NAME, /react N EMOJI, /quit.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChatHost } from '../host.js';
import { actorFor } from '../../service/actor.js';
import { reactToDelivered } from '../../service/inbound.js';
import type { ConsoleAdapter } from './console-adapter.js';
import { hasOwnKey } from '../../domain/own.js';

/** Runs the chat until /quit or the end of input; returns how many lines were read. */
export async function runConsole(app: ChatHost, adapter: ConsoleAdapter, io: { input: Readable; output: Writable; interactive: boolean }): Promise<number> {
  const policy = app.service.policy;
  let me = Object.keys(policy.people)[0] ?? 'you';
  const say = (s: string) => io.output.write(`${s}\n`);
  const rl = createInterface({ input: io.input, output: io.interactive ? io.output : undefined, terminal: io.interactive });
  const prompt = () => io.interactive && rl.setPrompt(`${me}> `) === undefined && rl.prompt();
  say(`You are @${me}. /as NAME to be someone else, /react N EMOJI to react to message N, /quit to leave.`);
  prompt();

  let lines = 0;
  for await (const raw of rl) {
    lines++;
    const line = raw.trim();
    if (!line) {
      prompt();
      continue;
    }
    if (line === '/quit' || line === '/exit') break;
    // One bad line must never end the session: report it and read the next one.
    try {
      await consoleLine(line);
    } catch (e) {
      app.log.error({ err: e }, 'console command failed');
      say(`✖ Klaxon could not run that (${e instanceof Error ? e.message : String(e)}). The console is still running.`);
    }
    prompt();
  }
  rl.close();
  await app.dispatcher.dispatch();
  return lines;

  async function consoleLine(line: string): Promise<void> {
    const [verb, ...rest] = line.split(/\s+/);
    if (verb === '/as') {
      const who = rest[0]?.replace(/^@/, '');
      if (!who) say('Usage: /as NAME');
      else if (!hasOwnKey(policy.people, who)) say(`Nobody called "${who}" is in the policy. People: ${Object.keys(policy.people).join(', ')}`);
      else {
        me = who;
        say(`You are now @${me}.`);
      }
    } else if (verb === '/react') {
      const [id, emoji] = rest;
      const msg = id && adapter.lookup(id);
      if (!msg || !emoji) say('Usage: /react N EMOJI (N is a message number shown in [brackets])');
      else {
        const r = await reactToDelivered(app.service, actorFor(policy, 'console', me), 'console', { id }, emoji.replace(/:/g, ''));
        say(r ? (r.ok ? `✔ ${r.text}` : `✖ ${r.text}`) : `(reacted :${emoji}: — nothing to do)`);
      }
    } else {
      const r = await app.service.run(actorFor(policy, 'console', me), line);
      say(r.ok ? `✔ ${r.text}` : `✖ ${r.text}`);
    }
    // Deliver what the command queued before the next prompt, so the chat reads in order.
    await app.dispatcher.dispatch();
  }
}
