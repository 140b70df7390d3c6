// Replies meant for one person only (command results, errors, help): ephemeral, via response_url.
import type { Reply } from '../../service/reply.js';
import { escapeText, renderBlocks } from './blocks.js';

export type Ephemeral = { response_type: 'ephemeral'; replace_original: false; text: string; blocks?: Record<string, unknown>[] };

export function ephemeral(reply: Pick<Reply, 'text' | 'body'>): Ephemeral {
  const out: Ephemeral = { response_type: 'ephemeral', replace_original: false, text: escapeText(reply.text) };
  // Help and errors read best as plain text; rich replies (status, list, timeline) get blocks.
  if (reply.body) out.blocks = renderBlocks(reply.body);
  return out;
}

/** POSTs an ephemeral reply to a response_url Slack handed out earlier (e.g. kept in a modal's metadata). */
export async function respondLater(responseUrl: string, message: Ephemeral): Promise<void> {
  const res = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
  if (!res.ok) throw new Error(`response_url answered ${res.status}`);
}
