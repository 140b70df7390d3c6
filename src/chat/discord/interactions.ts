// /incident commands and Acknowledge buttons. Every answer is ephemeral (only the caller sees
// it), as SPEC §2 asks for errors and as the other platforms answer commands; what everyone
// should see goes through the outbox into the incident thread. Discord wants an answer within
// 3 seconds: the service is synchronous SQLite work, so the reply normally goes at once; work
// that needs a round trip to Discord first, or an interaction that reaches us already late (a
// gateway backlog), is deferred and the answer edited in.
import { type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, MessageFlags } from 'discord.js';
import type { Logger } from 'pino';
import type { Service } from '../../service/service.js';
import { COMMAND_NAME } from './commands.js';
import { discordActor, needsMemberLookup, resolveActor } from './members.js';
import { commandFromOptions } from '../../domain/commands.js';
import { readerFor } from './options.js';
import { buttonRows, chunks, commandFromCustomId, pageIdFromCustomId } from './render.js';
import type { Reply } from '../../service/reply.js';
import { rememberPageCopy } from '../../service/open-platform-items.js';

/** Past this age a reply might miss Discord's 3-second window, so the interaction is deferred first. */
export const DEFER_AFTER_MS = 2000;

export async function onInteraction(svc: Service, log: Logger, i: Interaction): Promise<void> {
  if (i.isChatInputCommand() && i.commandName === COMMAND_NAME) return answer(svc, log, i, false, () => runCommand(svc, i));
  if (i.isButton()) {
    const command = commandFromCustomId(i.customId);
    if (command !== null) {
      return answer(svc, log, i, needsMemberLookup(svc.policy, i.member), async () => {
        const actor = await resolveActor(i.client, svc.policy, i.user.id, i.member, i.user.username);
        return svc.runButton(actor, command, svc.originFor('discord', i.channelId));
      });
    }
    const pageId = pageIdFromCustomId(i.customId);
    if (pageId === null) return;
    // A press in a DM carries no member: looking the roles up is a round trip, so defer first.
    const slow = needsMemberLookup(svc.policy, i.member);
    return answer(svc, log, i, slow, async () => {
      const actor = await resolveActor(i.client, svc.policy, i.user.id, i.member, i.user.username);
      // The pressed message may be a copy Klaxon has no record of: remember it so it is edited too.
      rememberPageCopy(svc.deps.db, 'discord', pageId, { channel: i.channelId, id: i.message.id });
      return svc.acknowledgePageById(actor, pageId).text;
    });
  }
}

function runCommand(svc: Service, i: ChatInputCommandInteraction): Answer {
  const mapped = commandFromOptions(readerFor(i));
  if (!mapped.ok) return mapped.error;
  const actor = discordActor(svc.policy, i.user.id, i.member, i.user.username);
  return svc.execute(actor, mapped.command, svc.originFor('discord', i.channelId));
}

/** Text, or a reply whose body may carry buttons (an action's Confirm). */
type Answer = string | Pick<Reply, 'text' | 'body'>;

/** Runs the work and answers the caller only; `slow` work (network round trips) is deferred first. */
async function answer(svc: Service, log: Logger, i: ChatInputCommandInteraction | ButtonInteraction, slow: boolean, work: () => Answer | Promise<Answer>): Promise<void> {
  // A replayed INTERACTION_CREATE (gateway resume) was answered the first time.
  if (!svc.firstDelivery('discord', `interaction:${i.id}`)) return;
  const deferred = slow || Date.now() - i.createdTimestamp > DEFER_AFTER_MS;
  try {
    if (deferred) await i.deferReply({ flags: MessageFlags.Ephemeral });
    let text: string;
    let components: ReturnType<typeof buttonRows> = [];
    try {
      const out = await work();
      text = typeof out === 'string' ? out : out.text;
      if (typeof out !== 'string') components = buttonRows(out.body?.actions);
    } catch (e) {
      log.error({ err: e, interaction: i.id }, 'Discord interaction failed');
      text = 'Something went wrong inside Klaxon; nothing was changed. The error is in the logs.';
    }
    const [first, ...rest] = chunks(text || 'Done.');
    // discord.js takes raw API component objects as they are.
    const buttons = (components.length ? { components } : {}) as { components?: [] };
    if (deferred) await i.editReply({ content: first, ...buttons });
    else await i.reply({ content: first, flags: MessageFlags.Ephemeral, ...buttons });
    for (const more of rest) await i.followUp({ content: more, flags: MessageFlags.Ephemeral });
  } catch (e) {
    // The work is committed; only the answer to the caller was lost (expired token, network).
    log.warn({ err: e, interaction: i.id }, 'could not answer a Discord interaction');
  }
}
