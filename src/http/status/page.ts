// GET /status: server-rendered HTML. Works with JavaScript off (there is none), refreshes itself
// every minute with a meta tag, and puts what a customer wants first: is something broken now,
// what is the latest news, then the last 90 days.
import { DateTime } from 'luxon';
import { formatMs } from '../../domain/duration.js';
import { esc } from '../html.js';
import { statusLabel, updateLabel } from './labels.js';
import type { PublicIncident, StatusModel } from './model.js';
import { severityColour } from './palette.js';
import { STATUS_CSS } from './style.js';
import type { Day } from './days.js';

const RECENT_RESOLVED_MS = 7 * 24 * 3600_000;

function when(m: StatusModel, at: Date): string {
  return `<time datetime="${at.toISOString()}">${esc(shownTime(at, m.timezone))}</time>`;
}

// luxon's 'd LLL yyyy, HH:mm ZZZZ' built a zoned DateTime and a new Intl formatter per call, most
// of a long page's render time. One Intl formatter per zone gives the same text (the test compares).
const shownFormatters = new Map<string, Intl.DateTimeFormat>();

// Even so, a page shows a few hundred times and each rebuild shows mostly the same ones: texts are
// kept by zone and minute (all they show), a bounded number of them.
const shownTexts = new Map<string, Map<number, string>>();
const KEPT_TEXTS = 20_000;

/** "4 Mar 2026, 10:15 GMT": an instant as the status page shows it, in the policy's zone. */
export function shownTime(at: Date, zone: string): string {
  let f = shownFormatters.get(zone);
  let texts = shownTexts.get(zone);
  if (!f || !texts) {
    const options = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short', timeZone: zone } as const;
    shownFormatters.set(zone, (f = new Intl.DateTimeFormat(LOCALE, options)));
    shownTexts.set(zone, (texts = new Map()));
  }
  const minute = Math.floor(at.getTime() / 60_000);
  let text = texts.get(minute);
  if (text === undefined) {
    const p: Record<string, string> = {};
    for (const x of f.formatToParts(at)) p[x.type] = x.value;
    text = `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName}`;
    if (texts.size >= KEPT_TEXTS) texts.clear();
    texts.set(minute, text);
  }
  return text;
}

// The locale luxon formats in (month names), so the text is what it was.
const LOCALE = DateTime.now().locale ?? 'en-US';

function updatesList(m: StatusModel, inc: PublicIncident): string {
  if (inc.updates.length === 0) return '';
  const items = inc.updates.map(
    (u) => `<li><p class="when"><strong>${esc(updateLabel(u))}</strong> · ${when(m, u.at)}</p><p class="text">${esc(u.text)}</p></li>`,
  );
  return `<ol class="updates">${items.join('')}</ol>`;
}

function openCard(m: StatusModel, inc: PublicIncident): string {
  const age = formatMs(m.now.getTime() - inc.declaredAt.getTime());
  return `<article class="incident" id="incident-${inc.number}" data-number="${inc.number}" style="--sev:${severityColour(inc.severity.rank)}">
<p class="tags"><span class="sev">${esc(inc.severity.name)}</span><span class="state">${esc(statusLabel(inc.status))}</span></p>
<h3>${esc(inc.title)}</h3>
<p class="meta">Started ${when(m, inc.declaredAt)} · ongoing for ${esc(age)}${inc.components.length ? ` · affects ${esc(inc.components.join(', '))}` : ''}</p>
${updatesList(m, inc)}
</article>`;
}

function resolvedCard(m: StatusModel, inc: PublicIncident): string {
  const took = formatMs(inc.resolvedAt!.getTime() - inc.declaredAt.getTime());
  return `<details class="incident" id="incident-${inc.number}" data-number="${inc.number}" style="--sev:${severityColour(inc.severity.rank)}">
<summary>${esc(inc.severity.name)} · ${esc(inc.title)}</summary>
<p class="meta">Resolved ${when(m, inc.resolvedAt!)} after ${esc(took)}</p>
${updatesList(m, inc)}
</details>`;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const dayTexts = new Map<string, string>();

/** "Wed 4 Mar 2026": a day of the strip as luxon's 'ccc d LLL yyyy' wrote it, from one Intl formatter per zone. */
export function shownDay(start: Date, zone: string): string {
  let f = dayFormatters.get(zone);
  if (!f) dayFormatters.set(zone, (f = new Intl.DateTimeFormat(LOCALE, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: zone })));
  const key = `${zone} ${start.getTime()}`;
  let text = dayTexts.get(key);
  if (text === undefined) {
    const p: Record<string, string> = {};
    for (const x of f.formatToParts(start)) p[x.type] = x.value;
    text = `${p.weekday} ${p.day} ${p.month} ${p.year}`;
    if (dayTexts.size >= KEPT_TEXTS) dayTexts.clear();
    dayTexts.set(key, text);
  }
  return text;
}

function dayText(m: StatusModel, d: Day): string {
  const date = shownDay(d.start, m.timezone);
  if (d.worstRank === null) return `${date}: no incidents`;
  const sev = m.severities.find((s) => s.rank === d.worstRank)?.name ?? '';
  return `${date}: ${sev}, incident${d.incidents.length > 1 ? 's' : ''} ${d.incidents.map((n) => `#${n}`).join(', ')}`;
}

function history(m: StatusModel): string {
  const bars = m.days.map((d) => {
    const text = esc(dayText(m, d));
    const colour = d.worstRank === null ? '' : ` style="--c:${severityColour(d.worstRank)}"`;
    const sev = d.worstRank === null ? 'none' : esc(m.severities.find((s) => s.rank === d.worstRank)?.id ?? 'unknown');
    return `<li data-date="${d.date}" data-severity="${sev}" title="${text}"${colour}><span class="sr">${text}</span></li>`;
  });
  const bad = m.days.filter((d) => d.worstRank !== null).length;
  const legend = [`<li><i style="--c:var(--ok)"></i>No incidents</li>`, ...m.severities.map((s) => `<li><i style="--c:${severityColour(s.rank)}"></i>${esc(s.name)}</li>`)];
  return `<section aria-labelledby="history-h">
<h2 id="history-h">Last 90 days</h2>
<ol class="bars">${bars.join('')}</ol>
<div class="axis" aria-hidden="true"><span><span class="wide">90 days ago</span><span class="narrow">30 days ago</span></span><span>Today</span></div>
<ul class="legend">${legend.join('')}</ul>
<p class="summary">${bad === 0 ? 'No public incidents in the last 90 days.' : `Public incidents on ${bad} of the last 90 days.`}</p>
</section>`;
}

/** One line per policy component: customers look for "is the API working" before reading incidents. */
function componentsList(m: StatusModel): string {
  if (m.components.length === 0) return '';
  const rows = m.components.map((c) => {
    const worst = c.affectedBy[0];
    if (!worst) return `<li data-component="${esc(c.name)}" data-status="operational"><span class="name">${esc(c.name)}</span><span class="state">Operational</span></li>`;
    const links = c.affectedBy.map((i) => `<a href="#incident-${i.number}">${esc(i.title)}</a>`).join(', ');
    return `<li data-component="${esc(c.name)}" data-status="${esc(worst.status)}" style="--sev:${severityColour(worst.severity.rank)}"><span class="name">${esc(c.name)}</span><span class="state">${esc(worst.severity.name)} · ${esc(statusLabel(worst.status))}: ${links}</span></li>`;
  });
  return `<section aria-labelledby="components-h"><h2 id="components-h">Components</h2>
<ul class="components">${rows.join('')}</ul>
</section>`;
}

function banner(m: StatusModel): string {
  if (m.open.length === 0) return `<p class="banner" role="status">All systems operational</p>`;
  const n = m.open.length;
  return `<p class="banner" role="status" style="--sev:${severityColour(m.open[0].severity.rank)}">${n} ongoing incident${n > 1 ? 's' : ''}</p>`;
}

export function renderStatusPage(m: StatusModel): string {
  const recent = m.resolved.filter((i) => m.now.getTime() - i.resolvedAt!.getTime() <= RECENT_RESOLVED_MS);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>${esc(m.title)}</title>
<link rel="alternate" type="application/atom+xml" title="${esc(m.title)}" href="/status/feed.atom">
<style>${STATUS_CSS}</style>
</head>
<body>
<div class="wrap">
<header><h1>${esc(m.title)}</h1></header>
<main>
${banner(m)}
${componentsList(m)}
${m.open.length ? `<section aria-labelledby="open-h"><h2 id="open-h">Ongoing incidents</h2>\n${m.open.map((i) => openCard(m, i)).join('\n')}\n</section>` : ''}
${history(m)}
${recent.length ? `<section aria-labelledby="resolved-h"><h2 id="resolved-h">Resolved in the last 7 days</h2>\n${recent.map((i) => resolvedCard(m, i)).join('\n')}\n</section>` : ''}
</main>
<footer>Updated ${when(m, m.now)} · <a href="/status/feed.atom">Atom feed</a> · <a href="/status.json">JSON</a></footer>
</div>
</body>
</html>
`;
}
