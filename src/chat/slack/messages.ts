// Reading a message a reaction or pin points at: its text and author (conversations.history, or
// conversations.replies for a thread reply), its permalink, and its text without Slack's markup.
import type { webApi } from '@slack/bolt';

export type SlackMessage = { ts: string; text: string; user?: string; username?: string; bot_id?: string; permalink?: string };

export async function fetchMessage(client: webApi.WebClient, channel: string, ts: string): Promise<SlackMessage | undefined> {
  const h = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const top = h.messages?.find((m) => m.ts === ts);
  if (top) return top as SlackMessage;
  // Not a top-level message: a reply in a thread, which history does not return.
  const r = await client.conversations.replies({ channel, ts, latest: ts, inclusive: true });
  return r.messages?.find((m) => m.ts === ts) as SlackMessage | undefined;
}

export async function permalink(client: webApi.WebClient, channel: string, ts: string): Promise<string | undefined> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink;
  } catch {
    return undefined;
  }
}

/** Slack markup to readable text: <url|label> → label, <@U1> → @U1, <#C1|name> → #name, <!here> → @here. */
export function plainText(text: string): string {
  return text
    .replace(/<([@#])([A-Z0-9]+)\|([^>]+)>/g, (_m, sigil: string, _id, label: string) => `${sigil}${label}`)
    .replace(/<([@#])([A-Z0-9]+)>/g, '$1$2')
    .replace(/<!(\w+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<([^|<>]+)\|([^<>]+)>/g, '$2')
    .replace(/<([^<>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Slack escapes &, < and > in the text it sends (slash commands, messages); Klaxon stores what
 * people typed and escapes again on the way out, so undo Slack's escaping once on the way in.
 */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
