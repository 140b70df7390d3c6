// Slack users as Klaxon actors. Policy people are known by their `slack:` ID; anyone else is
// recorded as slack:<ID> with a display name from users.info, cached in memory.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Policy } from '../../config/policy/index.js';
import { type Actor, actorFor } from '../../service/actor.js';

const TTL_MS = 6 * 3600_000;
const MAX_ENTRIES = 5000;

type UserInfo = { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string } };

export function displayNameOf(u: UserInfo | undefined): string | undefined {
  return u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || undefined;
}

export class SlackPeople {
  private readonly cache = new Map<string, { name: string; at: number }>();
  private readonly inflight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly policy: Policy,
    private readonly log: Logger,
  ) {}

  /** The policy person with this Slack ID, if any. */
  inPolicy(userId: string): string | undefined {
    return Object.entries(this.policy.people).find(([, p]) => p.slack === userId)?.[0];
  }

  /**
   * A display name: the policy's, else users.info's (cached). Waits at most `waitMs` for Slack;
   * past that the hint (the handle Slack sent along) is used and the lookup finishes in the background.
   */
  async name(userId: string, hint?: string, waitMs = 1500): Promise<string> {
    const person = this.inPolicy(userId);
    if (person) return this.policy.people[person].name;
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.name;
    const lookup = this.lookup(userId);
    if (waitMs <= 0) return hint ?? userId;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), waitMs);
    });
    const found = await Promise.race([lookup, timeout]);
    clearTimeout(timer);
    return found ?? hint ?? userId;
  }

  async actor(userId: string, hint?: string, waitMs?: number): Promise<Actor> {
    if (this.inPolicy(userId)) return actorFor(this.policy, 'slack', userId);
    return actorFor(this.policy, 'slack', userId, await this.name(userId, hint, waitMs));
  }

  private lookup(userId: string): Promise<string | undefined> {
    let p = this.inflight.get(userId);
    if (!p) {
      p = this.client.users
        .info({ user: userId })
        .then((r) => {
          const name = displayNameOf(r.user as UserInfo);
          if (name) this.remember(userId, name);
          return name;
        })
        .catch((e: unknown) => {
          this.log.debug({ user: userId, error: e instanceof Error ? e.message : String(e) }, 'users.info failed');
          return undefined;
        })
        .finally(() => this.inflight.delete(userId));
      this.inflight.set(userId, p);
    }
    return p;
  }

  private remember(userId: string, name: string): void {
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, { name, at: Date.now() });
  }
}
