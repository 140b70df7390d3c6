// Platform-neutral MessageBody → Discord message payload. The text goes in `content` so mentions
// notify people (mentions inside embeds do not); an Acknowledge action becomes a button whose
// custom_id carries the page id, a command button (Tick, Run, Confirm) one carrying its command; only user mentions may ping, so a title someone typed with
// @everyone in it cannot page the whole server.
import type { Button, MessageBody } from '../../service/port.js';

export const CONTENT_LIMIT = 2000;
const EMBED_LIMIT = 4096;
const ACK_PREFIX = 'klaxon:ack:';
/** A button that runs a chat command (service.runButton): the command text follows the prefix. */
const COMMAND_PREFIX = 'klaxon:cmd:';
/** Discord's limits: a custom_id of 100 characters, 5 buttons a row, 5 rows a message. */
const CUSTOM_ID_MAX = 100;
const PER_ROW = 5;
const MAX_ROWS = 5;
const STYLE = { primary: 1, danger: 4, ack: 3 } as const;

export const ackCustomId = (pageId: string) => `${ACK_PREFIX}${pageId}`;

/** The command a command button carries, or null for any other component. */
export function commandFromCustomId(customId: string): string | null {
  return customId.startsWith(COMMAND_PREFIX) ? customId.slice(COMMAND_PREFIX.length) : null;
}

function button(a: Button): Record<string, unknown> {
  const custom_id = a.id === 'ack' ? ackCustomId(a.value) : `${COMMAND_PREFIX}${a.value}`;
  return { type: 2, style: a.id === 'ack' ? STYLE.ack : STYLE[a.style ?? 'primary'], label: a.label.slice(0, 80), custom_id };
}

/** Action rows for a body's buttons; one whose custom_id would be too long is left out (the command still works). */
export function buttonRows(actions: readonly Button[] = []): Record<string, unknown>[] {
  const buttons = actions.map(button).filter((b) => String(b.custom_id).length <= CUSTOM_ID_MAX).slice(0, PER_ROW * MAX_ROWS);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < buttons.length; i += PER_ROW) rows.push({ type: 1, components: buttons.slice(i, i + PER_ROW) });
  return rows;
}

/** The page id in an Acknowledge button's custom_id, or null for any other component. */
export function pageIdFromCustomId(customId: string): number | null {
  if (!customId.startsWith(ACK_PREFIX)) return null;
  const n = Number(customId.slice(ACK_PREFIX.length));
  return Number.isInteger(n) && n > 0 ? n : null;
}

const COLOR: Record<NonNullable<MessageBody['tone']>, number> = { alert: 0xd83c3e, warn: 0xf0b232, info: 0x5865f2, good: 0x23a55a };

export function renderMessage(body: MessageBody): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    allowed_mentions: { parse: ['users'] },
    // An edit passes empty lists so a page copy loses its button once the page is over.
    components: buttonRows(body.actions),
    embeds: [],
  };
  if (body.text.length <= CONTENT_LIMIT) payload.content = body.text;
  else {
    // Long bodies (postmortem drafts, timelines): the first line stays in content, the rest in an embed.
    const first = (body.title ?? body.text.split('\n')[0]).slice(0, CONTENT_LIMIT);
    payload.content = first;
    const rest = body.text.length > EMBED_LIMIT ? `${body.text.slice(0, EMBED_LIMIT - 1)}…` : body.text;
    payload.embeds = [{ description: rest, color: COLOR[body.tone ?? 'info'] }];
  }
  const replyTo = body.replyTo;
  if (typeof replyTo === 'string') payload.message_reference = { message_id: replyTo, fail_if_not_exists: false };
  return payload;
}

/** Splits text for interaction replies, which are capped at 2000 characters each, on line breaks where possible. */
export function chunks(text: string, size = CONTENT_LIMIT): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const cut = rest.lastIndexOf('\n', size);
    const at = cut > size / 2 ? cut : size;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest || out.length === 0) out.push(rest);
  return out;
}
