// `/incident …`: run and committed, then answered to the caller alone inside the ack (Slack gives
// three seconds and shows an error after). `/incident declare` with no text opens the form.
import type { App, SlashCommand } from '@slack/bolt';
import type { SlackDeps } from './deps.js';
import { errorText } from './deps.js';
import { DECLARE_VIEW, declareView, readDeclareView } from './modal.js';
import { unescapeSlack } from './messages.js';
import { ephemeral, respondLater } from './reply.js';

export const COMMAND = '/incident';

export function registerCommands(bolt: App, d: SlackDeps): void {
  bolt.command(COMMAND, async ({ command, ack, respond }) => {
    const text = unescapeSlack(command.text).trim();
    if (/^declare$/i.test(text)) {
      await ack();
      await openDeclareForm(d, command, respond);
      return;
    }
    // The command runs (one SQLite transaction, committed) before Slack gets its 200, and the
    // answer rides in that 200: a declaration acknowledged is a declaration kept, and there is no
    // second request to response_url. A cached name, never a users.info wait, keeps it inside 3 s.
    let answer: ReturnType<typeof ephemeral>;
    try {
      // A validly signed request replayed inside Slack's 5-minute window carries the same
      // trigger_id (Slack mints one per invocation): the service claims it in the command's own
      // transaction, so a replay is answered, never run twice.
      const delivery = command.trigger_id ? { platform: 'slack' as const, id: `command:${command.trigger_id}` } : undefined;
      const actor = await d.people.actor(command.user_id, command.user_name, 0);
      answer = ephemeral(await d.service.run(actor, text || 'help', await d.service.originFor('slack', command.channel_id), delivery));
    } catch (e) {
      d.log.error({ error: errorText(e), command: command.text }, 'slash command failed');
      answer = ephemeral({ text: 'Klaxon could not run that command; the error is in its log.' });
    }
    await ack(answer);
  });

  bolt.view(DECLARE_VIEW, async ({ ack, body, view }) => {
    const form = readDeclareView(view);
    if (!form.title) {
      await ack({ response_action: 'errors', errors: { title: 'Give the incident a short title.' } });
      return;
    }
    // The form must be answered within three seconds: use a cached name, look it up later.
    const actor = await d.people.actor(body.user.id, body.user.name, 0);
    const reply = await d.service.declareFrom(actor, { title: form.title, severity: form.severity, description: form.description });
    if (!reply.ok) {
      await ack({ response_action: 'errors', errors: { title: reply.text } });
      return;
    }
    await ack();
    if (form.meta.responseUrl) {
      await respondLater(form.meta.responseUrl, ephemeral({ text: `${reply.text}: ${form.title}` })).catch((e) =>
        d.log.warn({ error: errorText(e) }, 'could not confirm the declaration to its author'),
      );
    }
  });
}

async function openDeclareForm(d: SlackDeps, command: SlashCommand, respond: (m: ReturnType<typeof ephemeral>) => Promise<unknown>): Promise<void> {
  try {
    await d.client.views.open({
      trigger_id: command.trigger_id,
      view: declareView(d.service.policy, { channel: command.channel_id, responseUrl: command.response_url }) as never,
    });
  } catch (e) {
    d.log.warn({ error: errorText(e) }, 'views.open failed');
    await respond(ephemeral({ text: 'Could not open the declare form. Declare with text instead: `/incident declare [sev] <title>`.' }));
  }
}
