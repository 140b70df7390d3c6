// Slack has no idempotency key for chat.postMessage, so each post carries the outbox row's key in
// its message metadata, and a post whose answer was lost (a crash, a dropped connection) is looked
// up in the channel's recent history before it is sent again.
import type { webApi } from '@slack/bolt';
import type { Destination, MessageRef } from '../../service/port.js';

export const METADATA_EVENT = 'klaxon_outbox';
/** Pages of history read while looking; a lost post is among the newest messages. */
const MAX_PAGES = 3;

/** The metadata to attach to a post made with `key`. */
export const deliveryMetadata = (key: string) => ({ event_type: METADATA_EVENT, event_payload: { key } });

type HistoryMessage = { ts?: string; thread_ts?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } };

export async function findDelivered(client: webApi.WebClient, to: Destination, key: string, since: Date): Promise<MessageRef | null> {
  // A DM's history lives in the D… channel, which conversations.open names.
  const channel = 'user' in to ? (await client.conversations.open({ users: to.user })).channel?.id : to.channel;
  if (!channel) return null;
  // A minute of slack for clocks that disagree.
  const oldest = String(Math.floor(since.getTime() / 1000) - 60);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200, cursor });
    const hit = (r.messages as HistoryMessage[] | undefined)?.find((m) => m.metadata?.event_type === METADATA_EVENT && m.metadata.event_payload?.key === key);
    if (hit?.ts) return { channel, id: hit.ts };
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!r.has_more || !cursor) return null;
  }
  return null;
}
