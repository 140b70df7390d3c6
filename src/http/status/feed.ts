// GET /status/feed.atom: every public update of the incidents on the status page, newest first,
// so customers can follow along in a feed reader or a chat integration without polling HTML.
//
// Ids and links never come from the request: the feed is cached publicly (max-age=30), so a
// Host header chosen by one caller would be served to everyone. With `status_page.url` they hang
// off that address; without it links are relative to the feed and ids are a stable urn.
import { xmlText } from '../html.js';
import { updateLabel } from './labels.js';
import type { PublicIncident, PublicUpdate, StatusModel } from './model.js';

const MAX_ENTRIES = 50;

/** Where ids and links point: the configured public address, or relative links and a urn. */
type Addresses = { page: string; feed: string; id: string; entryId: (incident: number, update: number) => string };

export function feedAddresses(statusUrl: string | undefined, title: string): Addresses {
  if (statusUrl) {
    const base = statusUrl.replace(/\/+$/, '');
    return { page: base, feed: `${base}/feed.atom`, id: base, entryId: (n, u) => `${base}#incident-${n}-update-${u}` };
  }
  const name = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'status';
  const urn = `urn:klaxon:${name}`;
  return { page: '/status', feed: '/status/feed.atom', id: urn, entryId: (n, u) => `${urn}:incident-${n}:update-${u}` };
}

export function renderAtom(m: StatusModel, statusUrl: string | undefined): string {
  const at = feedAddresses(statusUrl, m.title);
  const entries: { inc: PublicIncident; u: PublicUpdate }[] = [...m.open, ...m.resolved]
    .flatMap((inc) => inc.updates.map((u) => ({ inc, u })))
    .sort((a, b) => b.u.at.getTime() - a.u.at.getTime() || b.u.id - a.u.id)
    .slice(0, MAX_ENTRIES);
  const updated = (entries[0]?.u.at ?? m.now).toISOString();
  const entry = ({ inc, u }: (typeof entries)[number]) => `  <entry>
    <id>${xmlText(at.entryId(inc.number, u.id))}</id>
    <title>${xmlText(`[${inc.severity.name}] ${inc.title}: ${updateLabel(u)}`)}</title>
    <published>${u.at.toISOString()}</published>
    <updated>${u.at.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${xmlText(`${at.page}#incident-${inc.number}`)}"/>
    <category term="${xmlText(inc.severity.id)}" label="${xmlText(inc.severity.name)}"/>
    <content type="text">${xmlText(u.text)}</content>
  </entry>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xmlText(at.id)}</id>
  <title>${xmlText(m.title)}</title>
  <updated>${updated}</updated>
  <author><name>${xmlText(m.title)}</name></author>
  <link rel="self" type="application/atom+xml" href="${xmlText(at.feed)}"/>
  <link rel="alternate" type="text/html" href="${xmlText(at.page)}"/>
${entries.map(entry).join('\n')}
</feed>
`;
}
