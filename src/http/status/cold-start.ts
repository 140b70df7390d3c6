// What a cold process pays once, paid when the routes are mounted (before the listener opens)
// rather than in the first visitor's request or in one of the warm-up's turns: the zone's time
// data (~100 ms on the first zoned date), and the strip's loops, which run interpreted at first
// (~40 ms for a year of 100k incidents, in one turn). A made-up history of the same shape goes
// through them; nothing is read from the database and nothing made up is kept.
import { type Policy, severityRank } from '../../config/policy/index.js';
import { dayBars, dayBounds, type DaySpan } from './days.js';
import { renderStatusPage, shownDay, shownTime } from './page.js';

const MADE_UP = 3000;

export function prepareStatusCode(now: Date, policy: Policy): void {
  const zone = policy.timezone;
  shownTime(now, zone);
  shownDay(now, zone);
  const { starts } = dayBounds(now, zone);
  const severities = policy.severities.filter((s) => s.public).map((s) => ({ id: s.id, name: s.name ?? s.id, rank: severityRank(policy, s.id) }));
  const ranks = severities.length ? severities.map((s) => s.rank) : [0];
  const spans: DaySpan[] = Array.from({ length: MADE_UP }, (_, i) => {
    const day = starts[i % starts.length];
    return { number: i + 1, severityRank: ranks[i % ranks.length], declaredAt: new Date(day + 3_600_000), resolvedAt: new Date(day + 7_200_000) };
  });
  renderStatusPage({ title: 'warm-up', now, timezone: zone, open: [], resolved: [], days: dayBars(spans, now, zone), severities, components: [] });
}
