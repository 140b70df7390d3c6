// Messages in Slack support channels (policy `support.slack`): Slack's fields mapped for the
// inbound service, which decides on the auto-reply or a security escalation and dedupes replays.
import type { App } from '@slack/bolt';
import { type Author, supportMessage } from '../../service/inbound.js';
import { supportConfig } from '../../service/support.js';
import type { SlackDeps } from './deps.js';
import { errorText } from './deps.js';
import { permalink } from './messages.js';

/** Message subtypes that are a person writing; edits, joins, deletions and the like are not. */
const AUTHORED = new Set([undefined, 'thread_broadcast', 'file_share']);

type MessageEvent = { subtype?: string; channel: string; user?: string; bot_id?: string; text?: string; ts: string };

export function registerSupport(bolt: App, d: SlackDeps): void {
  const config = supportConfig(d.service.policy, 'slack');
  if (!config || config.channels.length === 0) return;

  bolt.event('message', async ({ event }) => {
    const m = event as unknown as MessageEvent;
    try {
      const me = d.identity.current;
      const from: Author = m.user && m.user === me?.botUserId ? 'klaxon' : m.bot_id || !m.user ? 'bot' : AUTHORED.has(m.subtype) ? 'person' : 'system';
      await supportMessage(d.service, {
        platform: 'slack',
        channel: m.channel,
        messageId: m.ts,
        user: m.user ?? m.bot_id ?? 'unknown',
        from,
        text: m.text ?? '',
        userName: () => d.people.name(m.user!, undefined, 500),
        link: () => permalink(d.client, m.channel, m.ts),
      });
    } catch (e) {
      d.log.error({ error: errorText(e), channel: m.channel }, 'support message handling failed');
    }
  });
}
