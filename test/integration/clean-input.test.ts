// One text rule at the edge, the same whichever way text arrives: control characters, terminal
// escapes and bidi overrides never reach the database, and invisible-only text is missing text.
import { describe, expect, it } from 'vitest';
import { incidents, timelineEvents as timeline } from '../../src/store/tables.js';
import { harness } from '../helpers/harness.js';

const NASTY = '\u001b[31mCheckout\u001b[0m\u0000 down\u0007 \u202eevil\u202c';

describe('incoming text', () => {
  it('chat lines (console, Slack) are stored clean', async () => {
    const h = harness();
    expect((await h.run('alice', `declare sev2 ${NASTY}`)).ok).toBe(true);
    expect((await h.run('alice', `update #1 Rolled\u0007 back \u001b[1mthe deploy\u001b[0m`)).ok).toBe(true);
    const [inc] = (await h.db.select().from(incidents));
    expect(inc.title).toBe('Checkout down evil');
    const texts = (await h.db.select().from(timeline)).map((e) => e.text);
    expect(texts.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/);
  });

  it('typed options (Discord) are stored clean', async () => {
    const h = harness();
    const r = await h.svc.execute(h.as('alice'), { kind: 'declare', severity: 'sev2', title: NASTY });
    expect(r.ok).toBe(true);
    expect((await h.db.select().from(incidents))[0]!.title).toBe('Checkout down evil');
  });

  it.each([
    ['declare sev2 \u200b\u200b', 'missing title'],
    ['declare sev2 \u001b[0m\u0007', 'missing title'],
  ])('a title with nothing visible is refused and nothing is stored: %j', async (line, message) => {
    const h = harness();
    const r = await h.run('alice', line);
    expect(r.ok).toBe(false);
    expect(r.text).toContain(message);
    expect((await h.db.select().from(incidents))).toEqual([]);
  });

  it('an invisible update or a declaration from elsewhere (a form, an alert) is refused too', async () => {
    const h = harness();
    await h.run('alice', 'declare sev2 Search is slow');
    const update = await h.svc.execute(h.as('alice'), { kind: 'update', incident: 1, text: '\u2800\u3164' });
    expect(update.ok).toBe(false);
    expect(update.text).toContain('missing update text');
    const form = await h.svc.declareFrom(h.as('alice'), { title: '\ufeff\u200d' });
    expect(form.ok).toBe(false);
    expect((await h.db.select().from(incidents))).toHaveLength(1);
  });
});
