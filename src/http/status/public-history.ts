// The incidents the status page may show: the open ones and those resolved within the 90-day
// strip, each only once the visibility rule (public severity, open for publish_after) lets it out.
//
// At 100k incidents a year the strip's window holds ~25k resolved incidents, ~10k of them public:
// reading them all on every rebuild of the model (any write rebuilds it) took 50–80 ms of one
// event-loop turn. A resolved incident never changes again (service/incidents.ts refuses every
// change to one, and its visibility then depends only on its own times), so the incidents resolved
// on a local day that has ended are read once, one day per event-loop turn, and kept. A rebuild
// reads only today's, the open ones, and one count that shows whether a kept day changed anyway
// (a clock set back, an import into a running Klaxon): then every kept day is read again.
import { sql } from 'drizzle-orm';
import { type Policy, severityRank } from '../../config/policy/index.js';
import { isPubliclyVisible } from '../../service/visibility.js';
import type { Db } from '../../store/db.js';
import { rawRows } from '../../store/raw.js';
import { atOnce, OPEN_STATUSES, type Pace } from '../../store/settled-blocks.js';
import { dayBounds, type DaySpan } from './days.js';

/** An incident the public may see, with what the strip and the lists need (`number` is its id). */
export type PublicSpan = DaySpan & { severity: string; status: string };

/** The resolved incidents of one ended day: how many there were (for the count check), and the visible ones. */
type KeptDay = { end: number; resolved: number; visible: PublicSpan[] };

const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);

export class PublicHistory {
  /** Ended days, by the epoch ms their local midnight starts. */
  private readonly kept = new Map<number, KeptDay>();
  /** The kept days' visible incidents in one list, oldest day first; null when a day was kept or dropped since. */
  private keptList: PublicSpan[] | null = null;
  private policy?: Policy;
  /** One read at a time: a request arriving during the warm-up waits for it, then reads only what is left. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * The incidents open, and those resolved since the strip's first day, that the public may see at
   * `now`; the resolved ones in the order they were resolved (then by number).
   */
  visible(db: Db, policy: Policy, now: Date, pace: Pace = atOnce): Promise<{ open: PublicSpan[]; resolved: PublicSpan[] }> {
    const run = this.queue.then(() => this.read(db, policy, now, pace));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Days kept (for tests: a rebuild must not read them again). */
  get keptDays(): number {
    return this.kept.size;
  }

  private async read(db: Db, policy: Policy, now: Date, pace: Pace): Promise<{ open: PublicSpan[]; resolved: PublicSpan[] }> {
    if (policy !== this.policy) {
      this.forget();
      this.policy = policy;
    }
    const publicIds = policy.severities.filter((s) => s.public).map((s) => s.id);
    if (!publicIds.length) return { open: [], resolved: [] };
    const span = (r: unknown[]): PublicSpan => {
      const resolved = r[4] === null ? null : new Date(Number(r[4]));
      return { number: Number(r[0]), severity: String(r[1]), severityRank: severityRank(policy, String(r[1])), status: String(r[2]), declaredAt: new Date(Number(r[3])), resolvedAt: resolved };
    };
    const shown = (x: PublicSpan) => isPubliclyVisible(policy, x, now);
    const { starts, ends } = dayBounds(now, policy.timezone);
    for (const start of this.kept.keys()) if (start < starts[0] && this.kept.delete(start)) this.keptList = null;
    await this.checkKept(db);

    // Open ones by the status index; only public severities, a short constant list.
    const open = (await rawRows(db, sql`select id, severity, status, declared_at, resolved_at from incidents where status in (${list(OPEN_STATUSES)}) and severity in (${list(publicIds)})`))
      .map(span)
      .filter(shown);
    // Every day but today has ended, so it is kept once read: the resolved list is the kept days'
    // (one list, rebuilt only when a day is kept or dropped), then today's.
    let today: PublicSpan[] = [];
    for (let k = 0; k < starts.length; k++) {
      if (this.kept.has(starts[k])) continue;
      const last = k === starts.length - 1;
      // Today's reads to the end of time: whatever was resolved since its midnight.
      const rows = (await rawRows(db, sql`select id, severity, status, declared_at, resolved_at from incidents where resolved_at >= ${starts[k]} ${last ? sql`` : sql`and resolved_at < ${ends[k]}`} order by resolved_at, id`)).map(span);
      const visible = rows.filter(shown);
      if (!last && ends[k] <= now.getTime()) {
        this.kept.set(starts[k], { end: ends[k], resolved: rows.length, visible });
        this.keptList = null;
        // An ended day read: let the event loop turn (a cold start reads 90 of them).
        await pace();
      } else today = today.concat(visible);
    }
    this.keptList ??= [...this.kept.entries()].sort(([a], [b]) => a - b).flatMap(([, day]) => day.visible);
    return { open, resolved: this.keptList.concat(today) };
  }

  private forget(): void {
    this.kept.clear();
    this.keptList = null;
  }

  /** Forgets the kept days when the number of incidents resolved in them is not what they hold. */
  private async checkKept(db: Db): Promise<void> {
    if (this.kept.size === 0) return;
    let from = Infinity;
    let to = -Infinity;
    let held = 0;
    for (const [start, day] of this.kept) {
      from = Math.min(from, start);
      to = Math.max(to, day.end);
      held += day.resolved;
    }
    const [[n]] = await rawRows(db, sql`select count(*) from incidents where resolved_at >= ${from} and resolved_at < ${to}`);
    if (Number(n) !== held) this.forget();
  }
}
