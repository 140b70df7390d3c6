// `stats [30d]` over a history played through the real service and scheduler with a fake clock.
// Every figure below is worked out by hand from the script in `seed`.
//
// Default policy (London, GMT in February and March; business days 09:00–17:30):
//   sev1 ack 15m, resolve 4h, postmortem due 3 business days · sev2 ack 30m, resolve 1d,
//   postmortem due 5 business days · sev3 ack 4 business hours, resolve 3 business days, no postmortem
//
//  #  sev   declared          ack     resolved         targets missed          postmortem
//  1  sev1  Mon 02-02 10:00   +5m     +1h              —                       never done (outside 30d)
//  2  sev1  Mon 03-02 10:00   +6m     +1h30m (11:30)   —                       due Thu 03-05 11:30, done Wed 03-04 → on time
//  3  sev1  Tue 03-03 10:00   +24m    +5h (15:00)      ack (10:15), resolve (14:00)  due Fri 03-06 15:00, done Mon 03-09 → late
//  4  sev2  Wed 03-04 10:00   +10m    +2h (12:00)      —                       due Wed 03-11 12:00, not done → overdue
//  5  sev3  Thu 03-05 10:00   never   +26h (Fri 12:00) ack (Thu 14:00)         not required
//  6  sev2  Fri 03-13 10:00   +3m     open             resolve (Sat 10:00)     —
//
// Only #2 is mitigated before it is resolved (+40m); resolving stamps the others' mitigation.
// Stats asked on Mon 03-16 12:00. 30 days back is Sat 02-14 12:00, so #1 is out.
import { describe, expect, it } from 'vitest';
import { statsReport } from '../../src/service/stats-report.js';
import { parseDuration } from '../../src/domain/duration.js';
import { harness } from '../helpers/harness.js';

async function seed() {
  const h = harness({ start: '2026-02-02T10:00:00Z' });
  /** Moves to an instant, firing every timer on the way at its due time. */
  const at = (iso: string) => h.advance(Date.parse(iso) - h.clock.now().getTime());
  const ok = async (person: string, text: string) => {
    const r = await h.run(person, text);
    expect(r.ok, `${text}: ${r.text}`).toBe(true);
  };
  await ok('alice', 'declare sev1 Old outage');
  await at('2026-02-02T10:05:00Z'); await ok('bob', 'ack #1');
  await at('2026-02-02T11:00:00Z'); await ok('alice', 'resolve #1 Restarted');

  await at('2026-03-02T10:00:00Z'); await ok('alice', 'declare sev1 Checkout down');
  await at('2026-03-02T10:06:00Z'); await ok('bob', 'ack #2');
  await at('2026-03-02T10:40:00Z'); await ok('bob', 'mitigate #2 Traffic moved to the old build');
  await at('2026-03-02T11:30:00Z'); await ok('alice', 'resolve #2 Rolled back');

  await at('2026-03-03T10:00:00Z'); await ok('alice', 'declare sev1 API errors');
  await at('2026-03-03T10:24:00Z'); await ok('bob', 'ack #3');
  await at('2026-03-03T15:00:00Z'); await ok('alice', 'resolve #3 Fixed the connection pool');

  await at('2026-03-04T10:00:00Z'); await ok('carol', 'declare sev2 Search slow');
  await at('2026-03-04T10:10:00Z'); await ok('bob', 'ack #4');
  await at('2026-03-04T12:00:00Z'); await ok('carol', 'resolve #4 Reindexed');
  await at('2026-03-04T16:00:00Z'); await ok('alice', 'postmortem #2 done https://wiki.example.com/pm/2');

  await at('2026-03-05T10:00:00Z'); await ok('carol', 'declare sev3 Exports slow'); // sev3 pages nobody
  await at('2026-03-06T12:00:00Z'); await ok('carol', 'resolve #5 Added an index');

  await at('2026-03-09T10:00:00Z'); await ok('alice', 'postmortem #3 done https://wiki.example.com/pm/3');

  await at('2026-03-13T10:00:00Z'); await ok('alice', 'declare sev2 Webhooks delayed');
  await at('2026-03-13T10:03:00Z'); await ok('bob', 'ack #6');

  await at('2026-03-16T12:00:00Z');
  return h;
}

describe('stats over a seeded history', () => {
  it('`stats` (30 days by default) gives MTTA, MTTR, targets missed and postmortems on time by severity', async () => {
    const h = await seed();
    const r = await h.run('alice', 'stats');
    expect(r.ok).toBe(true);
    expect(r.text.split('\n')).toEqual([
      'Incident stats, last 30d (declared since 2026-02-14 12:00 GMT)',
      // MTTA (6m + 24m) / 2 = 15m · MTTM (40m + 5h) / 2 = 2h 50m · MTTR (1h30m + 5h) / 2 = 3h 15m · #2 on time, #3 late
      'SEV1: 2 incidents · MTTA 15m · MTTM 2h 50m · MTTR 3h 15m · targets missed 2 (acknowledge 1, resolve 1) · postmortems on time 1/2 (1 late)',
      // MTTA (10m + 3m) / 2 = 6m 30s · MTTR 2h (#6 is open) · #4's postmortem is overdue
      'SEV2: 2 incidents (1 open) · MTTA 6m 30s · MTTM 2h · MTTR 2h · targets missed 1 (acknowledge 0, resolve 1) · postmortems on time 0/1 (1 overdue)',
      // Never acknowledged · resolved in 26h
      'SEV3: 1 incident · MTTA — · MTTM 1d 2h · MTTR 1d 2h · targets missed 1 (acknowledge 1, resolve 0) · postmortems on time none required',
      'SEV4: no incidents',
      // MTTA (6 + 24 + 10 + 3) / 4 = 10m 45s · MTTM (0h40 + 5 + 2 + 26) / 4 = 8h 25m · MTTR (1.5 + 5 + 2 + 26) / 4 = 8.625h = 8h 37m 30s
      'All: 5 incidents (1 open) · MTTA 10m 45s · MTTM 8h 25m · MTTR 8h 37m 30s · targets missed 4 (acknowledge 2, resolve 2) · postmortems on time 1/3 (1 late, 1 overdue)',
      'MTTA: declared → first acknowledgement. MTTM: declared → mitigated. MTTR: declared → resolved. Postmortems on time: done by the due date, of those done or past due.',
    ]);
  });

  it('a shorter window holds only what was declared in it; the structured report matches', async () => {
    const h = await seed();
    const r = await h.run('alice', 'stats 7d');
    expect(r.text).toContain('SEV1: no incidents');
    expect(r.text).toContain('SEV2: 1 incident (1 open) · MTTA 3m · MTTM — · MTTR — · targets missed 1 (acknowledge 0, resolve 1) · postmortems on time none required');
    const window = parseDuration('60d') as Extract<ReturnType<typeof parseDuration>, { kind: 'wall' }>;
    const report = await statsReport(h.db, h.policy, h.clock.now(), window);
    // 60 days includes #1: three sev1 incidents, MTTA (5 + 6 + 24) / 3 = 11m 40s.
    const sev1 = report.rows.find((s) => s.severity === 'sev1')!;
    expect(sev1.incidents).toBe(3);
    expect(sev1.mttaMs).toBe((11 * 60 + 40) * 1000);
    // #1's postmortem was due in February and never done.
    expect(sev1.postmortemsOverdue).toBe(1);
    expect(report.total.incidents).toBe(6);
  });

  it('refuses a business-time window', async () => {
    const h = await seed();
    const r = await h.run('alice', 'stats 3 business days');
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/wall-clock window/);
  });
});
