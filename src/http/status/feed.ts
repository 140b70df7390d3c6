// GET /status/feed.atom: every public update of the incidents on the status page, newest first,
// so customers can follow along in a feed reader or a chat integration without polling HTML.
import { esc } from '../html.js';
import { updateLabel } from './labels.js';
import type { PublicIncident, PublicUpdate, StatusModel } from './model.js';

const MAX_ENTRIES = 50;

/** `statusUrl` is the public address of /status; entry ids and links hang off it. */
export function renderAtom(m: StatusModel, statusUrl: string): string {
  const base = statusUrl.replace(/\/+$/, '');
  const entries: { inc: PublicIncident; u: PublicUpdate }[] = [...m.open, ...m.resolved]
    .flatMap((inc) => inc.updates.map((u) => ({ inc, u })))
    .sort((a, b) => b.u.at.getTime() - a.u.at.getTime() || b.u.id - a.u.id)
    .slice(0, MAX_ENTRIES);
  const updated = (entries[0]?.u.at ?? m.now).toISOString();
  const entry = ({ inc, u }: (typeof entries)[number]) => `  <entry>
    <id>${esc(`${base}#incident-${inc.number}-update-${u.id}`)}</id>
    <title>${esc(`[${inc.severity.name}] ${inc.title}: ${updateLabel(u)}`)}</title>
    <published>${u.at.toISOString()}</published>
    <updated>${u.at.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${esc(`${base}#incident-${inc.number}`)}"/>
    <category term="${esc(inc.severity.id)}" label="${esc(inc.severity.name)}"/>
    <content type="text">${esc(u.text)}</content>
  </entry>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${esc(base)}</id>
  <title>${esc(m.title)}</title>
  <updated>${updated}</updated>
  <author><name>${esc(m.title)}</name></author>
  <link rel="self" type="application/atom+xml" href="${esc(`${base}/feed.atom`)}"/>
  <link rel="alternate" type="text/html" href="${esc(base)}"/>
${entries.map(entry).join('\n')}
</feed>
`;
}
