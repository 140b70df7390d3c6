// Queues outgoing messages inside the caller's transaction: if the state change rolls back, so do
// its messages, and once it commits the dispatcher delivers them even across a crash.
import { and, eq, sql } from 'drizzle-orm';
import { mentionOn } from './mention.js';
import type { MessageBody, Platform } from './port.js';
import { prepared } from '../store/prepared.js';
import { outbox } from '../store/tables.js';
import { platformUserId } from './actor.js';
import { readSwitches, type Ctx } from './context.js';
import { own } from '../domain/own.js';

/** Pages jump the queue: a rate-limited platform delivers them before nudges and announcements. */
export const PRIORITY = { page: 0, normal: 1, low: 2 } as const;

/** Builds a message for one platform; `at` writes a person's mention in that platform's syntax. */
export type BodyFor = (platform: Platform, at: (person: string) => string) => MessageBody;

type Opts = { priority?: number; incidentId?: number; pageId?: number };

function mentioner(ctx: Ctx, platform: Platform): (person: string) => string {
  return (person) => {
    const id = platformUserId(ctx.policy, person, platform);
    if (id) return mentionOn(platform, id);
    return own(ctx.policy.people, person)?.name ?? person.replace(/^\w+:/, '');
  };
}

const p = (name: string) => sql.placeholder(name);
const insertRow = prepared((tx) =>
  tx
    .insert(outbox)
    .values({
      platform: p('platform'),
      kind: p('kind'),
      destination: p('destination'),
      body: p('body'),
      priority: p('priority'),
      incidentId: p('incidentId'),
      pageId: p('pageId'),
      editOf: p('editOf'),
      nextAttemptAt: p('now'),
      createdAt: p('now'),
    })
    .prepare(),
);

async function insert(ctx: Ctx, platform: Platform, kind: typeof outbox.$inferInsert.kind, destination: string, body: object, o: Opts & { editOf?: number }): Promise<void> {
  await insertRow(ctx.tx).execute({
    platform,
    kind,
    destination,
    body,
    priority: o.priority ?? PRIORITY.normal,
    incidentId: o.incidentId ?? null,
    pageId: o.pageId ?? null,
    editOf: o.editOf ?? null,
    now: ctx.now,
  });
}

/** Posts in the incident's own channel or thread on every platform. */
export async function postToIncident(ctx: Ctx, incidentId: number, bodyFor: BodyFor, o: Opts = {}): Promise<void> {
  for (const p of ctx.platforms) await insert(ctx, p, 'post', 'incident', bodyFor(p, mentioner(ctx, p)), { ...o, incidentId });
}

/** DMs a person on every platform where the policy (or their platform ID) says how to reach them. */
export async function directMessage(ctx: Ctx, person: string, bodyFor: BodyFor, o: Opts = {}): Promise<number> {
  let sent = 0;
  for (const p of ctx.platforms) {
    const id = platformUserId(ctx.policy, person, p);
    if (!id) continue;
    await insert(ctx, p, 'post', `dm:${id}`, bodyFor(p, mentioner(ctx, p)), o);
    sent++;
  }
  return sent;
}

/**
 * Posts in a channel the policy names by key (announcements, leadership, ...). These are outside
 * incident channels, so safe mode silences the automatic ones.
 */
export async function postToChannel(ctx: Ctx, key: string, bodyFor: BodyFor, o: Opts & { automatic?: boolean } = {}): Promise<void> {
  if (o.automatic !== false && (await readSwitches(ctx.tx)).safeMode) return;
  for (const p of ctx.platforms) {
    const channel = channelFor(ctx, p, key);
    if (channel) await insert(ctx, p, 'post', `channel:${channel}`, bodyFor(p, mentioner(ctx, p)), o);
  }
}

/** A platform channel ID for a policy channel key; the console shows every key as a channel of that name. */
export function channelFor(ctx: Ctx, platform: Platform, key: string): string | undefined {
  if (platform === 'console') return key;
  const map = ctx.policy.channels?.[platform] as Record<string, string | undefined> | undefined;
  return own(map, key);
}

/** Posts to a concrete platform channel (support replies answer where the message was). */
export async function postRaw(ctx: Ctx, platform: Platform, channel: string, body: MessageBody, o: Opts = {}): Promise<void> {
  await insert(ctx, platform, 'post', `channel:${channel}`, body, o);
}

export async function queueAction(ctx: Ctx, platform: Platform, kind: 'topic' | 'invite' | 'rename' | 'usergroup', destination: string, body: object, o: Opts = {}): Promise<void> {
  await insert(ctx, platform, kind, destination, body, o);
}

/** Rewrites every copy of a page (DMs and channel mentions, on every platform) so none shows a stale button. */
export async function editPageCopies(ctx: Ctx, pageId: number, bodyFor: BodyFor): Promise<void> {
  const copies = (await ctx.tx
    .select()
    .from(outbox)
    .where(and(eq(outbox.pageId, pageId), eq(outbox.kind, 'post'))));
  for (const c of copies) {
    const p = c.platform as Platform;
    await insert(ctx, p, 'edit', c.destination, bodyFor(p, mentioner(ctx, p)), { priority: PRIORITY.normal, incidentId: c.incidentId ?? undefined, editOf: c.id });
  }
}
