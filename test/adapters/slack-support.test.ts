// Slack support channels (policy `support.slack`): a person's message gets the auto-reply in its
// thread, once per cooldown; a security report is raised as an incident linking to the message.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy/index.js';
import { getIncident } from '../../src/service/incident-view.js';
import { slackKlaxon, type SlackKlaxon, waitFor } from '../fakes/slack/harness.js';
import { channelMessage } from '../fakes/slack/payloads.js';
import { readFileSync } from 'node:fs';

const yaml = `${readFileSync('examples/policies/default.yaml', 'utf8')}
support:
  slack:
    channels: [C0SUPPORT]
    cooldown: 12h
    issue_url: https://github.com/acme/app/issues/new
    security_keywords: [vulnerability, leak]
    security_severity: sev1
`;

let k: SlackKlaxon;
beforeEach(async () => {
  // 10:00 London on a Wednesday: in hours.
  k = await slackKlaxon({ policy: parsePolicy(yaml) });
  k.fake.addChannel('C0SUPPORT', 'support', ['UKLAXONBOT', 'U0DANA']);
});
afterEach(async () => {
  await k.close();
});

const replies = () => k.fake.botMessages('C0SUPPORT');

it('answers a person once per cooldown, in the thread of their message, and never a bot', async () => {
  const first = k.fake.addMessage('C0SUPPORT', { user: 'U0DANA', text: 'how do I export my data?' });
  await k.event(channelMessage({ user: 'U0DANA', channel: 'C0SUPPORT', text: first.text, ts: first.ts }));
  await waitFor(async () => {
    await k.tick();
    return replies().length === 1;
  }, 'the auto-reply');
  expect(replies()[0].text).toMatch(/issues\/new/);
  expect(replies()[0].thread_ts).toBe(first.ts);

  const second = k.fake.addMessage('C0SUPPORT', { user: 'U0DANA', text: 'also, CSV please' });
  await k.deliver(channelMessage({ user: 'U0DANA', channel: 'C0SUPPORT', text: second.text, ts: second.ts }));
  await k.deliver({ type: 'message', subtype: 'bot_message', bot_id: 'B0OTHER', channel: 'C0SUPPORT', text: 'beep', ts: `${Date.now() / 1000}` });
  await k.tick();
  expect(replies()).toHaveLength(1);
});

it('raises a security report as an incident that links to the message', async () => {
  const msg = k.fake.addMessage('C0SUPPORT', { user: 'U0DANA', text: 'I think I found a vulnerability in your login' });
  await k.event(channelMessage({ user: 'U0DANA', channel: 'C0SUPPORT', text: msg.text, ts: msg.ts }));
  const inc = (await waitFor(() => getIncident(k.db, 1), 'the escalation'))!;
  expect(inc.severity).toBe('sev1');
  expect(inc.sourceLink).toBe(`https://fake.slack.com/archives/C0SUPPORT/p${msg.ts.replace('.', '')}`);
  await k.tick();
  expect(replies().some((m) => /escalated/.test(m.text))).toBe(true);
});

it('ignores messages outside the support channels', async () => {
  await k.deliver(channelMessage({ user: 'U0DANA', channel: 'C0GENERAL', text: 'a vulnerability?' }));
  expect(getIncident(k.db, 1)).toBeUndefined();
});
