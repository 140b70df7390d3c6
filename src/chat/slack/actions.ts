// Buttons. The Acknowledge button on a page carries the page id as its value; a command button
// (a checklist's Tick or Run, an action's Confirm) carries the command it runs as the presser.
import type { App, BlockButtonAction } from '@slack/bolt';
import { ACK_ACTION, COMMAND_ACTION } from './blocks.js';
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
      const reply = d.service.acknowledgePageById(actor, pageId);
      // The page message itself is rewritten through the outbox; this tells the clicker at once.
      await respond(ephemeral(reply));
    } catch (e) {
      d.log.error({ error: errorText(e) }, 'acknowledge button failed');
    }
  });

  bolt.action<BlockButtonAction>(COMMAND_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    try {
      // One press is one run, even if the same press reaches Klaxon twice (a Confirm must not call twice).
      if (!d.service.firstDelivery('slack', `button:${body.user.id}:${action.action_id}:${action.action_ts}`)) return;
      const actor = await d.people.actor(body.user.id, body.user.name);
      const reply = d.service.runButton(actor, String(action.value ?? ''), d.service.originFor('slack', body.channel?.id));
      await respond(ephemeral(reply));
    } catch (e) {
      d.log.error({ error: errorText(e) }, 'command button failed');
    }
  });
}
