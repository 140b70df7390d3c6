// What a chat platform's catch-up needs to look at after it missed events (a new gateway session
// that replayed nothing): the messages of pages still waiting for an answer, and the channels or
// threads of incidents still open.
import { exclusive } from '../store/transaction.js';
import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { incidentSpaces, incidents, outbox, pages } from '../store/tables.js';
import type { MessageRef, Platform } from './port.js';

/** Every delivered copy of a page nobody has acknowledged yet (exhausted ones still take an ack). */
export async function openPageMessages(db: Db, platform: Platform): Promise<MessageRef[]> {
  return (await db
    .select({ channel: outbox.refChannel, id: outbox.refId })
    .from(outbox)
    .innerJoin(pages, eq(pages.id, outbox.pageId))
    .where(and(eq(outbox.platform, platform), eq(outbox.kind, 'post'), isNotNull(outbox.refId), inArray(pages.status, ['open', 'exhausted']))))
    .filter((r): r is MessageRef => Boolean(r.channel && r.id));
}

/** The channels (Slack) or threads (Discord) of incidents not yet resolved. */
export async function openIncidentChannels(db: Db, platform: Platform): Promise<string[]> {
  return (await db
    .select({ channel: incidentSpaces.channelId })
    .from(incidentSpaces)
    .innerJoin(incidents, eq(incidents.id, incidentSpaces.incidentId))
    .where(and(eq(incidentSpaces.platform, platform), ne(incidents.status, 'resolved'))))
    .map((r) => r.channel);
}

/**
 * A copy of a page Klaxon had no record of (a double send from before nonces, an answer lost
 * after the store) that someone answered: recorded as sent, so editing the page's copies (on
 * acknowledgement, exhaustion, cancellation) reaches this one too and it loses its live button.
 * Does nothing if the copy is already known or the page has no delivered copy on that platform.
 */
export async function rememberPageCopy(db: Db, platform: Platform, pageId: number, ref: MessageRef): Promise<void> {
  await exclusive(db, () => rememberCopy(db, platform, pageId, ref));
}

async function rememberCopy(db: Db, platform: Platform, pageId: number, ref: MessageRef): Promise<void> {
  const known = (await db.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.platform, platform), eq(outbox.refChannel, ref.channel), eq(outbox.refId, ref.id))))[0];
  if (known) return;
  const original = (await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.platform, platform), eq(outbox.pageId, pageId), eq(outbox.kind, 'post'), eq(outbox.refChannel, ref.channel))))[0];
  if (!original) return;
  const { id: _id, ...copy } = original;
  await db.insert(outbox).values({ ...copy, status: 'sent', refId: ref.id });
}
