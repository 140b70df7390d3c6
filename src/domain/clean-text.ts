// One rule for text that people and integrations send in (console, Slack, Discord, the API):
// terminal escapes, control characters and bidi overrides are removed before anything is
// stored, so a title can neither recolour a terminal, reorder what a reader sees ("Trojan
// Source"), nor break the Atom feed's XML. Text made only of invisible characters counts as
// empty, and is refused like any missing text.

// CSI (ESC [ … final byte) and OSC (ESC ] … BEL or ESC \) sequences, then any other ESC pair.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
// C0 controls except tab and newline, DEL and C1 controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidi embeddings, overrides, isolates and marks.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Lone surrogates and the two non-characters XML 1.0 refuses.
const BROKEN = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;
// Characters that draw nothing: whitespace, zero-width characters, soft hyphen, variation
// selectors, Hangul and braille blanks.
const INVISIBLE = /[\s\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u3164\u2800\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udd00-\uddef]/gu;

/** The text with escapes, control characters and bidi controls removed; CRLF becomes LF. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '').replace(BIDI, '').replace(BROKEN, '');
}

/** True when nothing in the text would be visible to a reader. */
export function isInvisible(text: string): boolean {
  return text.replace(INVISIBLE, '') === '';
}

/** cleanText, trimmed, and '' when only invisible characters are left. */
export function cleanField(text: string): string {
  const t = cleanText(text).trim();
  return isInvisible(t) ? '' : t;
}
