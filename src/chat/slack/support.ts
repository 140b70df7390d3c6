// Messages in Slack support channels (policy `support.slack`) go to the shared support module,
// which decides on the auto-reply or a security escalation and dedupes replays itself.
import type { App } from '@slack/bolt';
import { handleSupportMessage, isSupportChannel, securityKeyword, supportConfig } from '../../service/support.js';
import type { SlackDeps } from './deps.js';
import { errorText } from './deps.js';
import { permalink } from './messages.js';

/** Message subtypes that are a person writing; edits, joins, deletions and the like are not. */
const AUTHORED = new Set([undefined, 'thread_broadcast', 'file_share']);

type MessageEvent = { subtype?: string; channel: string; user?: string; bot_id?: string; text?: string; ts: string };

export function registerSupport(bolt: App, d: SlackDeps): void {
  const policy = d.service.policy;
  const config = supportConfig(policy, 'slack');
  if (!config || config.channels.length === 0) return;

  bolt.event('message', async ({ event }) => {
    const m = event as unknown as MessageEvent;
    if (!isSupportChannel(policy, 'slack', m.channel) || !AUTHORED.has(m.subtype)) return;
    try {
      const me = d.identity.current;
      const isBot = Boolean(m.bot_id) || !m.user || m.user === me?.botUserId;
      const text = m.text ?? '';
      // Only a security report links back to the message, so only then is the permalink worth a call.
      const link = !isBot && securityKeyword(text, config.security_keywords) ? await permalink(d.client, m.channel, m.ts) : undefined;
      const userName = m.user && !isBot ? await d.people.name(m.user, undefined, 500) : 'bot';
      handleSupportMessage(d.service, { platform: 'slack', channel: m.channel, user: m.user ?? m.bot_id ?? 'unknown', userName, isBot, text, link, messageId: m.ts });
    } catch (e) {
      d.log.error({ error: errorText(e), channel: m.channel }, 'support message handling failed');
    }
  });
}
