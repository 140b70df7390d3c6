// Block Kit rendering of the platform-neutral MessageBody. The plain `text` always goes along as
// the notification and fallback; blocks add a header, fields, extra lines and the buttons.
import type { MessageBody } from '../../service/port.js';

/** The Acknowledge button's action_id; its value is the page id. */
export const ACK_ACTION = 'klaxon_ack';
/**
 * Command buttons (Tick, Run, Confirm): `klaxon_cmd_<i>`, since action_ids must differ within a
 * message; the value is the command text, which service.runButton runs as the presser.
 */
export const COMMAND_ACTION = /^klaxon_cmd_\d+$/;
/** Slack allows 25 elements in one actions block. */
const PER_ACTIONS_BLOCK = 25;

export type Block = Record<string, unknown>;

const MAX_BLOCKS = 50;
const MAX_SECTION = 3000;
const MAX_HEADER = 150;
const MAX_FIELD = 2000;
const TONE_EMOJI: Record<NonNullable<MessageBody['tone']>, string> = {
  alert: ':rotating_light:',
  warn: ':warning:',
  good: ':white_check_mark:',
  info: ':information_source:',
};

/**
 * Escapes &, < and > as Slack requires, but keeps Slack's own markup that Klaxon writes on purpose:
 * user mentions (<@U1>), channel links (<#C1>) and links (<https://…|label>). Special mentions
 * (<!channel>, <!here>, <!subteam^…>) are escaped: Klaxon never writes them, so one in a message
 * came from someone's typed title or update and must not ping a whole channel.
 */
export function escapeText(text: string): string {
  const keep = /<(?:[@#][A-Za-z0-9^|_.-][^<>]*|(?:https?|mailto):[^<>\s]+)>/g;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(keep)) {
    out += escapeRaw(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapeRaw(text.slice(last));
}

function escapeRaw(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Splits long text at line breaks into pieces a section block accepts. */
function chunks(text: string, max = MAX_SECTION): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    const next = cur ? `${cur}\n${line}` : line;
    if (next.length <= max) cur = next;
    else {
      if (cur) out.push(cur);
      cur = clip(line, max);
    }
  }
  if (cur) out.push(cur);
  return out;
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

export function renderBlocks(body: MessageBody): Block[] {
  const blocks: Block[] = [];
  if (body.title) {
    const prefix = body.tone ? `${TONE_EMOJI[body.tone]} ` : '';
    blocks.push({ type: 'header', text: { type: 'plain_text', text: clip(prefix + body.title, MAX_HEADER), emoji: true } });
  }
  const text = escapeText(body.text);
  for (const piece of chunks(text)) blocks.push(section(piece));
  // Most bodies already carry their extra lines inside `text`; only add the ones that are not there.
  const missing = (body.lines ?? []).filter((l) => !body.text.includes(l));
  if (missing.length) for (const piece of chunks(escapeText(missing.join('\n')))) blocks.push(section(piece));
  const fields = body.fields ?? [];
  for (let i = 0; i < fields.length; i += 10) {
    blocks.push({
      type: 'section',
      fields: fields.slice(i, i + 10).map((f) => ({ type: 'mrkdwn', text: clip(`*${escapeText(f.label)}*\n${escapeText(f.value)}`, MAX_FIELD) })),
    });
  }
  const buttons = (body.actions ?? []).map((a, i) => ({
    type: 'button',
    action_id: a.id === 'ack' ? ACK_ACTION : `klaxon_cmd_${i}`,
    text: { type: 'plain_text', text: clip(a.label, 75), emoji: true },
    value: a.value,
    style: a.style ?? 'primary',
  }));
  for (let i = 0; i < buttons.length; i += PER_ACTIONS_BLOCK) {
    blocks.push({ type: 'actions', block_id: i === 0 ? 'klaxon_actions' : `klaxon_actions_${i / PER_ACTIONS_BLOCK}`, elements: buttons.slice(i, i + PER_ACTIONS_BLOCK) });
  }
  if (body.footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(escapeText(body.footer), MAX_SECTION) }] });
  if (blocks.length <= MAX_BLOCKS) return blocks;
  // Keep the head and the buttons; the full text is still in the fallback `text`.
  const actions = blocks.filter((b) => b.type === 'actions');
  return [...blocks.filter((b) => b.type !== 'actions').slice(0, MAX_BLOCKS - 1 - actions.length), section('_…truncated; the full text is in the notification._'), ...actions];
}

/** What chat.postMessage / chat.update / respond() get for a body. */
export function slackMessage(body: MessageBody): { text: string; blocks: Block[] } {
  return { text: clip(escapeText(body.text), 39_000), blocks: renderBlocks(body) };
}
