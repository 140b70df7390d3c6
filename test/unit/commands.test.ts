import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { USAGE, helpText, parseCommand, parseUserRef, type Command, type ParseResult } from '../../src/domain/commands.js';

const SEVERITIES = ['sev1', 'sev2', 'critical', 'sev 1', 'sev', 'major incident'];
const parse = (text: string): ParseResult => parseCommand(text, { severities: SEVERITIES });

function ok(text: string): Command {
  const r = parse(text);
  if (!r.ok) throw new Error(`expected ok for ${JSON.stringify(text)}, got ${r.error}`);
  return r.command;
}

function fail(text: string): { error: string; usage: string } {
  const r = parse(text);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(text)}, got ${JSON.stringify(r.command)}`);
  return { error: r.error, usage: r.usage };
}

describe('parseCommand: declare', () => {
  it('takes a known severity prefix', () => {
    expect(parseCommand('declare sev1 API down', { severities: ['sev1', 'critical'] })).toEqual({
      ok: true,
      command: { kind: 'declare', severity: 'sev1', title: 'API down' },
    });
  });
  it('keeps the severity as typed (case-insensitive match)', () => {
    expect(ok('declare Critical API down')).toEqual({ kind: 'declare', severity: 'Critical', title: 'API down' });
  });
  it('leaves the severity out when the first word is not one', () => {
    expect(ok('declare API down')).toEqual({ kind: 'declare', title: 'API down' });
    expect(ok('declare sev1-ish thing')).toEqual({ kind: 'declare', title: 'sev1-ish thing' });
  });
  it('matches multi-word severity names longest first', () => {
    expect(ok('declare sev 1 checkout broken')).toEqual({ kind: 'declare', severity: 'sev 1', title: 'checkout broken' });
    expect(ok('declare SEV   1 checkout')).toEqual({ kind: 'declare', severity: 'SEV 1', title: 'checkout' });
    expect(ok('declare sev checkout')).toEqual({ kind: 'declare', severity: 'sev', title: 'checkout' });
    expect(ok('declare major incident DB gone')).toEqual({ kind: 'declare', severity: 'major incident', title: 'DB gone' });
  });
  it('needs a title', () => {
    expect(fail('declare')).toEqual({ error: 'missing title', usage: USAGE.declare });
    expect(fail('declare sev1')).toEqual({ error: 'missing title', usage: 'declare [sev] <title> [--label key=value]…' });
  });
  it('keeps the title exactly as typed, inner spacing included', () => {
    expect(ok('declare  sev2   Login  slow\nfor EU')).toEqual({ kind: 'declare', severity: 'sev2', title: 'Login  slow\nfor EU' });
  });
  it('works without any configured severities', () => {
    expect(parseCommand('declare sev1 x', { severities: [] })).toEqual({ ok: true, command: { kind: 'declare', title: 'sev1 x' } });
  });
});

describe('parseCommand: prefix, case and whitespace', () => {
  it('strips a leading /incident', () => {
    expect(ok('/incident ack #3')).toEqual({ kind: 'ack', incident: 3 });
    expect(ok('  /INCIDENT   list ')).toEqual({ kind: 'list' });
  });
  it('does not strip /incidents or /incidentfoo', () => {
    expect(fail('/incidentlist').error).toBe('unknown command "/incidentlist"');
  });
  it('tolerates extra whitespace and command case', () => {
    expect(ok('   UPDATE    #3   Identified   Bad deploy  ')).toEqual({ kind: 'update', incident: 3, status: 'identified', text: 'Bad deploy' });
  });
  it('reports an empty command with the general usage', () => {
    for (const t of ['', '   ', '/incident', '/incident   ']) {
      const r = fail(t);
      expect(r.error).toBe('no command given');
      expect(r.usage).toContain(USAGE.declare);
      expect(r.usage).toContain(USAGE.override);
    }
  });
  it('reports unknown commands with the general usage', () => {
    const r = fail('foo bar');
    expect(r.error).toBe('unknown command "foo"');
    expect(r.usage.split('\n')).toHaveLength(Object.keys(USAGE).length);
  });
  it('is not fooled by Object.prototype names', () => {
    expect(fail('constructor').error).toBe('unknown command "constructor"');
    expect(fail('__proto__ x').error).toBe('unknown command "__proto__"');
  });
});

describe('parseCommand: update / mitigate / resolve / severity', () => {
  it('parses update with incident and status', () => {
    expect(ok('update #3 identified Bad deploy')).toEqual({ kind: 'update', incident: 3, status: 'identified', text: 'Bad deploy' });
  });
  it('parses update without incident or status', () => {
    expect(ok('update still looking')).toEqual({ kind: 'update', text: 'still looking' });
    expect(ok('update monitoring: fix rolled out')).toEqual({ kind: 'update', status: 'monitoring', text: 'fix rolled out' });
    expect(ok('update #12 investigating x')).toEqual({ kind: 'update', incident: 12, status: 'investigating', text: 'x' });
  });
  it('needs update text', () => {
    expect(fail('update #3 identified')).toEqual({ error: 'missing update text', usage: USAGE.update });
    expect(fail('update')).toEqual({ error: 'missing update text', usage: USAGE.update });
  });
  it('rejects a bad incident reference', () => {
    expect(fail('update #abc text')).toEqual({ error: 'bad incident "#abc": use #N, e.g. #12', usage: USAGE.update });
    expect(fail('ack #0').error).toBe('bad incident "#0": use #N, e.g. #12');
    expect(fail('ack #').usage).toBe(USAGE.ack);
    expect(fail('status #99999999999999999999').error).toContain('bad incident');
  });
  it('parses mitigate and resolve', () => {
    expect(ok('mitigate #4 rolled back')).toEqual({ kind: 'mitigate', incident: 4, text: 'rolled back' });
    expect(ok('mitigate rolled back')).toEqual({ kind: 'mitigate', text: 'rolled back' });
    expect(ok('resolve #4 Bad config, reverted')).toEqual({ kind: 'resolve', incident: 4, summary: 'Bad config, reverted' });
    expect(fail('resolve #4')).toEqual({ error: 'missing summary', usage: USAGE.resolve });
    expect(fail('mitigate').usage).toBe(USAGE.mitigate);
  });
  it('parses severity changes as typed', () => {
    expect(ok('severity #2 sev1')).toEqual({ kind: 'severity', incident: 2, severity: 'sev1' });
    expect(ok('severity Sev 1')).toEqual({ kind: 'severity', severity: 'Sev 1' });
    expect(fail('severity #2')).toEqual({ error: 'missing severity', usage: USAGE.severity });
  });
});

describe('parseCommand: role / page and user mentions', () => {
  it('reads every mention form', () => {
    expect(parseUserRef('<@U123>')).toEqual({ id: 'U123' });
    expect(parseUserRef('<@!123>')).toEqual({ id: '123' });
    expect(parseUserRef('<@123>')).toEqual({ id: '123' });
    expect(parseUserRef('<@U123|alice>')).toEqual({ id: 'U123' });
    expect(parseUserRef('@alice')).toEqual({ name: 'alice' });
    expect(parseUserRef('alice')).toEqual({ name: 'alice' });
    expect(parseUserRef('alice', false)).toBeNull();
    expect(parseUserRef('<@&999>')).toBeNull();
    expect(parseUserRef('@')).toBeNull();
  });
  it('parses role with each mention form', () => {
    expect(ok('role #3 commander <@U123>')).toEqual({ kind: 'role', incident: 3, role: 'commander', user: { id: 'U123' } });
    expect(ok('role comms <@!42>')).toEqual({ kind: 'role', role: 'comms', user: { id: '42' } });
    expect(ok('role scribe <@U9|bob>')).toEqual({ kind: 'role', role: 'scribe', user: { id: 'U9' } });
    expect(ok('role scribe @alice')).toEqual({ kind: 'role', role: 'scribe', user: { name: 'alice' } });
    expect(ok('role scribe alice')).toEqual({ kind: 'role', role: 'scribe', user: { name: 'alice' } });
  });
  it('accepts the user before the role', () => {
    expect(ok('role @alice commander')).toEqual({ kind: 'role', role: 'commander', user: { name: 'alice' } });
  });
  it('rejects incomplete or extra role arguments', () => {
    expect(fail('role commander')).toEqual({ error: 'missing role or user', usage: USAGE.role });
    expect(fail('role commander @a @b').error).toBe('unexpected "@b"');
    expect(fail('role commander <@&1>').error).toBe('"<@&1>" is not a user (use @name)');
  });
  it('parses page targets', () => {
    expect(ok('page primary')).toEqual({ kind: 'page', target: { type: 'any', name: 'primary' } });
    expect(ok('page #5 schedule:primary')).toEqual({ kind: 'page', incident: 5, target: { type: 'schedule', name: 'primary' } });
    expect(ok('page policy:default')).toEqual({ kind: 'page', target: { type: 'policy', name: 'default' } });
    expect(ok('page @bob')).toEqual({ kind: 'page', target: { type: 'user', user: { name: 'bob' } } });
    expect(ok('page <@U77>')).toEqual({ kind: 'page', target: { type: 'user', user: { id: 'U77' } } });
    expect(ok('page person:carol')).toEqual({ kind: 'page', target: { type: 'user', user: { name: 'carol' } } });
  });
  it('rejects bad page forms', () => {
    expect(fail('page')).toEqual({ error: 'missing who to page', usage: USAGE.page });
    expect(fail('page #2')).toEqual({ error: 'missing who to page', usage: USAGE.page });
    expect(fail('page schedule:').error).toBe('missing schedule name');
    expect(fail('page a b').error).toBe('unexpected "b"');
    expect(fail('page <@&5>').error).toBe('cannot page "<@&5>"');
  });
});

describe('parseCommand: read commands', () => {
  it('parses ack, status, list, timeline with and without incidents', () => {
    expect(ok('ack')).toEqual({ kind: 'ack' });
    expect(ok('acknowledge #7')).toEqual({ kind: 'ack', incident: 7 });
    expect(ok('status #1')).toEqual({ kind: 'status', incident: 1 });
    expect(ok('status')).toEqual({ kind: 'status' });
    expect(ok('list')).toEqual({ kind: 'list' });
    expect(ok('timeline #9')).toEqual({ kind: 'timeline', incident: 9 });
  });
  it('rejects stray arguments', () => {
    expect(fail('list all')).toEqual({ error: 'unexpected "all"', usage: USAGE.list });
    expect(fail('ack #3 #4')).toEqual({ error: 'bad incident "#4": put #N straight after "ack"', usage: USAGE.ack });
    expect(fail('status foo').usage).toBe(USAGE.status);
  });
  it('parses oncall', () => {
    expect(ok('oncall')).toEqual({ kind: 'oncall' });
    expect(ok('oncall primary')).toEqual({ kind: 'oncall', schedule: 'primary' });
    expect(ok('on-call schedule:primary')).toEqual({ kind: 'oncall', schedule: 'primary' });
    expect(fail('oncall a b').usage).toBe(USAGE.oncall);
  });
  it('parses help', () => {
    expect(ok('help')).toEqual({ kind: 'help' });
    expect(ok('help Override')).toEqual({ kind: 'help', topic: 'override' });
    const h = helpText();
    for (const u of Object.values(USAGE)) expect(h).toContain(u);
  });
});

describe('parseCommand: postmortem', () => {
  it('parses the draft and done forms', () => {
    expect(ok('postmortem')).toEqual({ kind: 'postmortem' });
    expect(ok('postmortem #4')).toEqual({ kind: 'postmortem', incident: 4 });
    expect(ok('postmortem #4 done https://docs.example.com/pm/4')).toEqual({ kind: 'postmortem', incident: 4, done: 'https://docs.example.com/pm/4' });
    expect(ok('postmortem DONE <https://x.example/pm|the doc>')).toEqual({ kind: 'postmortem', done: 'https://x.example/pm' });
  });
  it('rejects malformed forms', () => {
    expect(fail('postmortem #4 done')).toEqual({ error: 'missing postmortem link after "done"', usage: USAGE.postmortem });
    expect(fail('postmortem finished')).toEqual({ error: 'expected "done <url>"', usage: USAGE.postmortem });
    expect(fail('postmortem done a b').error).toBe('unexpected "b"');
  });
});

describe('parseCommand: override / stats / switches', () => {
  it('parses override with a duration', () => {
    expect(ok('override primary @bob 2h')).toEqual({
      kind: 'override', schedule: 'primary', user: { name: 'bob' }, duration: { kind: 'wall', ms: 2 * 3_600_000, text: '2h' },
    });
    expect(ok('override primary <@U1> 1 hour 30 minutes')).toMatchObject({
      kind: 'override', user: { id: 'U1' }, duration: { kind: 'wall', ms: 90 * 60_000 },
    });
    expect(ok('override @bob primary 1d')).toMatchObject({ schedule: 'primary', user: { name: 'bob' } });
  });
  it('rejects a bad or missing duration', () => {
    expect(fail('override primary @bob soon')).toEqual({ error: 'bad duration "soon" (e.g. 2h, 1d, 90m)', usage: USAGE.override });
    expect(fail('override primary @bob')).toEqual({ error: 'missing schedule, user or duration', usage: USAGE.override });
    expect(fail('override primary <@&1> 2h').error).toBe('"<@&1>" is not a user (use @name)');
  });
  it('parses stats windows', () => {
    expect(ok('stats')).toEqual({ kind: 'stats' });
    expect(ok('stats 30d')).toEqual({ kind: 'stats', window: { kind: 'wall', ms: 30 * 86_400_000, text: '30d' } });
    expect(fail('stats forever')).toEqual({ error: 'bad window "forever" (e.g. 30d, 1w)', usage: USAGE.stats });
  });
  it('parses the kill switches', () => {
    expect(ok('automation off')).toEqual({ kind: 'automation', on: false });
    expect(ok('automation ON')).toEqual({ kind: 'automation', on: true });
    expect(ok('safe-mode on')).toEqual({ kind: 'safe_mode', on: true });
    expect(ok('safe_mode off')).toEqual({ kind: 'safe_mode', on: false });
    expect(fail('automation')).toEqual({ error: 'say on or off', usage: USAGE.automation });
    expect(fail('safe-mode maybe')).toEqual({ error: 'expected on or off, got "maybe"', usage: USAGE.safe_mode });
    expect(fail('automation on now').usage).toBe(USAGE.automation);
  });
});

describe('parseCommand: never throws', () => {
  const KINDS = new Set(Object.keys(USAGE));
  const wellFormed = (r: ParseResult): boolean =>
    r.ok ? KINDS.has(r.command.kind) : typeof r.error === 'string' && r.error.length > 0 && r.usage.length > 0;

  const words = fc.constantFrom(
    '/incident', 'declare', 'update', 'mitigate', 'severity', 'role', 'page', 'ack', 'resolve', 'status', 'list',
    'timeline', 'postmortem', 'done', 'oncall', 'override', 'stats', 'automation', 'safe-mode', 'safe_mode', 'help',
    'on', 'off', 'identified', 'monitoring', 'sev1', 'sev', '1', 'critical', '#', '#3', '#0', '#-1', '#x', '@', '@bob',
    '<@', '<@U1>', '<@!2>', '<@U3|a>', '<@&4>', '>', '|', 'schedule:', 'policy:x', '2h', '30d', '4 business hours',
    '__proto__', 'constructor', 'https://x', '<https://y|z>', '', ' ', '\n', '\t',
  );
  const built = fc.array(fc.oneof(words, fc.string({ maxLength: 4 }), fc.integer().map(String)), { maxLength: 8 })
    .map((parts) => parts.join(' '));

  it('holds for arbitrary strings, full unicode and command-shaped input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), built), fc.array(fc.oneof(fc.string(), words), { maxLength: 4 }), (text, severities) => {
        const r = parseCommand(text, { severities });
        expect(wellFormed(r)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('survives nonsense arguments at runtime', () => {
    expect(wellFormed(parseCommand(undefined as unknown as string, { severities: [] }))).toBe(true);
    expect(wellFormed(parseCommand('declare x', undefined as unknown as { severities: string[] }))).toBe(true);
  });
});

describe('a bare incident number ("timeline 1", as the README tour types it)', () => {
  it.each([
    ['timeline 1', { kind: 'timeline', incident: 1 }],
    ['status 12', { kind: 'status', incident: 12 }],
    ['ack 3', { kind: 'ack', incident: 3 }],
    ['postmortem 2 done https://wiki/pm', { kind: 'postmortem', incident: 2, done: 'https://wiki/pm' }],
    ['page 4 @bob', { kind: 'page', incident: 4, target: { type: 'user', user: { name: 'bob' } } }],
    ['role 5 commander @bob', { kind: 'role', incident: 5, role: 'commander', user: { name: 'bob' } }],
    ['severity 6 sev2', { kind: 'severity', incident: 6, severity: 'sev2' }],
  ])('%s', (text, command) => {
    expect(ok(text)).toEqual(command);
  });

  it('stays text where text could start with a number', () => {
    expect(ok('update 3 servers are down')).toEqual({ kind: 'update', text: '3 servers are down' });
    expect(ok('resolve 2 nodes replaced')).toEqual({ kind: 'resolve', summary: '2 nodes replaced' });
    expect(ok('severity 1')).toEqual({ kind: 'severity', severity: '1' });
    expect(fail('timeline 0').error).toMatch(/unexpected "0"/);
  });
});
