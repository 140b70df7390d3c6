// Buttons. The Acknowledge button on a page carries the page id as its value.
import type { App, BlockButtonAction } from '@slack/bolt';
import { ACK_ACTION } from './blocks.js';
import type { SlackDeps } from './deps.js';
import { errorText } from './deps.js';
import { ephemeral } from './reply.js';

export function registerActions(bolt: App, d: SlackDeps): void {
  bolt.action<BlockButtonAction>(ACK_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    try {
      const pageId = Number(action.value);
      if (!Number.isInteger(pageId)) return;
      const actor = await d.people.actor(body.user.id, body.user.name);
      const reply = await d.service.acknowledgePageById(actor, pageId);
      // The page message itself is rewritten through the outbox; this tells the clicker at once.
      await respond(ephemeral(reply));
    } catch (e) {
      d.log.error({ error: errorText(e) }, 'acknowledge button failed');
    }
  });
}
